using System.Xml.Linq;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>
/// The module's format views (every *.Format.ps1xml the built module ships): each view names a type the module
/// really outputs, the views cover the objects the cmdlets return, and every column evaluates under
/// Set-StrictMode -Version Latest against an object of that type (a renamed property fails here, not on a
/// user's screen as an empty column).
/// </summary>
public sealed class HelpFormatViewTests
{
    public static TheoryData<string> ViewTypes()
    {
        var data = new TheoryData<string>();
        foreach (var typeName in Columns().Select(c => c.TypeName).Distinct())
        {
            data.Add(typeName);
        }

        return data;
    }

    [Fact]
    public void Views_CoverWhatTheCmdletsOutput()
    {
        var viewTypes = Columns().Select(c => c.TypeName).ToHashSet(StringComparer.Ordinal);

        using var session = new PowerShellSession();
        session.ImportModule();
        var outputTypes = session.Run(
            "Get-Command -Module CommsInvite | ForEach-Object { $_.OutputType } | ForEach-Object { $_.Name } | Where-Object { $_ -ne 'System.Void' }")
            .ThrowOnError().Output.Select(o => o.BaseObject.ToString()!).Distinct().ToList();

        Assert.NotEmpty(outputTypes);
        Assert.All(outputTypes, type => Assert.True(viewTypes.Contains(type), $"{type} has no table view in module/*.Format.ps1xml"));
    }

    [Theory]
    [MemberData(nameof(ViewTypes))]
    public void EveryColumn_EvaluatesUnderStrictMode(string typeName)
    {
        var columns = Columns().Where(c => c.TypeName == typeName).Select(c => c.Column).ToArray();

        using var session = new PowerShellSession();
        session.ImportModule();

        // A default instance, with its null object-valued properties filled one level deep (InviteOutcome.Operation).
        var result = session.Run(
            """
            $typeName = $args[0]
            $columns = $args[1]
            $type = [System.AppDomain]::CurrentDomain.GetAssemblies() |
                ForEach-Object { $_.GetType($typeName, $false, $false) } | Where-Object { $_ }
            if (-not $type) { throw "No loaded assembly defines $typeName." }
            $type = @($type)[0]
            # Types built only by the module (notifications, the listener) have no public constructor: an
            # uninitialised instance still tells a misspelled property (PropertyNotFoundStrict) from a real one.
            $uninitialised = -not $type.GetConstructor([type[]]@())
            $sample = if ($uninitialised) {
                [System.Runtime.CompilerServices.RuntimeHelpers]::GetUninitializedObject($type)
            } else {
                [System.Activator]::CreateInstance($type)
            }
            foreach ($property in $type.GetProperties()) {
                if ($property.CanWrite -and $property.PropertyType.IsClass -and $property.PropertyType -ne [string] -and
                    -not $property.PropertyType.IsAbstract -and $null -eq $property.GetValue($sample) -and
                    $property.PropertyType.GetConstructor([type[]]@())) {
                    $property.SetValue($sample, [System.Activator]::CreateInstance($property.PropertyType))
                }
            }
            foreach ($text in $columns) {
                $column = [scriptblock]::Create('Set-StrictMode -Version Latest; ' + $text)
                try {
                    $null = $sample | ForEach-Object { & $column } -ErrorAction Stop | ForEach-Object { "$_" }
                }
                catch {
                    # A getter that fails on an uninitialised instance is not a broken column; a missing property is.
                    $strictMiss = $_.FullyQualifiedErrorId -like 'PropertyNotFoundStrict*' -or "$($_.Exception)" -like '*cannot be found on this object*'
                    if (-not $uninitialised -or $strictMiss) { throw }
                }
                'evaluated'
            }
            """,
            typeName, columns).ThrowOnError();

        Assert.Equal(columns.Length, result.Output.Count(o => "evaluated".Equals(o.BaseObject)));
    }

    /// <summary>(type, column script) for every table column; a PropertyName column becomes $_.PropertyName.</summary>
    private static IEnumerable<(string TypeName, string Column)> Columns()
    {
        foreach (var file in Directory.EnumerateFiles(ModuleLayout.ModuleFolder, "*.Format.ps1xml"))
        {
            foreach (var view in XDocument.Load(file).Descendants("View"))
            {
                var typeName = view.Element("ViewSelectedBy")?.Element("TypeName")?.Value;
                if (typeName is null)
                {
                    continue;
                }

                var items = view.Descendants("TableColumnItem").ToList();
                if (items.Count == 0)
                {
                    yield return (typeName, "$_");
                }

                foreach (var item in items)
                {
                    var script = item.Element("ScriptBlock")?.Value ?? "$_." + item.Element("PropertyName")?.Value;
                    yield return (typeName, script.Trim());
                }
            }
        }
    }
}
