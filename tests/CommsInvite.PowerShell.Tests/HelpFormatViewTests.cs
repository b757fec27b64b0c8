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
[Collection(EmulatorCollection.Name)]
public sealed class HelpFormatViewTests
{
    // Types with no public parameterless constructor: a real instance, made the way a user gets one. Sparse bodies on
    // purpose, so columns meet the null properties a real notification may have.
    private static readonly Dictionary<string, string> SampleFactories = new(StringComparer.Ordinal)
    {
        ["CommsInvite.Core.Notifications.OperationNotification"] =
            "'{\"value\":[{\"changeType\":\"deleted\",\"resource\":\"/app/calls/c1/operations/o1\",\"resourceData\":{\"@odata.type\":\"#microsoft.graph.inviteParticipantsOperation\"}}]}' | ConvertFrom-CsGraphNotification -ErrorAction Stop",
        ["CommsInvite.Core.Notifications.RosterNotification"] =
            "'{\"value\":[{\"changeType\":\"updated\",\"resource\":\"/app/calls/c1/participants\",\"resourceData\":[{\"@odata.type\":\"#microsoft.graph.participant\",\"isMuted\":true}]}]}' | ConvertFrom-CsGraphNotification -ErrorAction Stop",
        ["CommsInvite.Core.Notifications.CallNotification"] =
            "'{\"value\":[{\"changeType\":\"updated\",\"resource\":\"/app/calls/c1\",\"resourceData\":{\"@odata.type\":\"#microsoft.graph.call\"}}]}' | ConvertFrom-CsGraphNotification -ErrorAction Stop",
        ["CommsInvite.Core.Notifications.GenericNotification"] =
            "'{\"value\":[{\"changeType\":\"created\",\"resource\":\"/app/chats/x1\",\"resourceData\":{}}]}' | ConvertFrom-CsGraphNotification -ErrorAction Stop",
        ["CommsInvite.Core.Notifications.InvalidNotification"] =
            "'{\"value\":[{\"changeType\":\"deleted\"}]}' | ConvertFrom-CsGraphNotification -ErrorAction Stop -WarningAction SilentlyContinue",
        ["CommsInvite.Commands.Infrastructure.NotificationListenerInfo"] = "Start-CsGraphNotificationListener -ErrorAction Stop",
    };

    private readonly EmulatorFixture _emulator;

    public HelpFormatViewTests(EmulatorFixture emulator) => _emulator = emulator;

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
            "Get-Command -Module CommsInvite | ForEach-Object { $_.OutputType } | ForEach-Object { $_.Name } | Where-Object { $_ -notin 'System.Void', 'System.Boolean' }")
            .ThrowOnError().Output.Select(o => o.BaseObject.ToString()!).Distinct().ToList();

        Assert.NotEmpty(outputTypes);
        Assert.All(outputTypes, type => Assert.True(viewTypes.Contains(type), $"{type} has no table view in module/*.Format.ps1xml"));
    }

    [Theory]
    [MemberData(nameof(ViewTypes))]
    public void EveryColumn_EvaluatesUnderStrictMode(string typeName)
    {
        var columns = Columns().Where(c => c.TypeName == typeName).Select(c => c.Column).ToArray();

        SampleFactories.TryGetValue(typeName, out var factory);
        using var session = factory is null ? new PowerShellSession() : _emulator.ConnectedSession();
        if (factory is null)
        {
            session.ImportModule();
        }

        // A default instance, with its null object-valued properties filled one level deep (InviteOutcome.Operation).
        var result = session.Run(
            """
            $typeName = $args[0]
            $columns = $args[1]
            $factory = $args[2]
            if ($factory) {
                $sample = @(& ([scriptblock]::Create($factory)))[0]
                if ($null -eq $sample -or $sample.GetType().FullName -ne $typeName) { throw "The sample for $typeName is a $($sample.GetType().FullName)." }
                $type = [type]::GetType('System.Object')
            } else {
                $type = [System.AppDomain]::CurrentDomain.GetAssemblies() |
                    ForEach-Object { $_.GetType($typeName, $false, $false) } | Where-Object { $_ }
                if (-not $type) { throw "No loaded assembly defines $typeName." }
                $type = @($type)[0]
                $sample = [System.Activator]::CreateInstance($type)
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
                $null = $sample | ForEach-Object { & $column } | ForEach-Object { "$_" }
                'evaluated'
            }
            """,
            typeName, columns, factory).ThrowOnError();

        Assert.Equal(columns.Length, result.Output.Count(o => "evaluated".Equals(o.BaseObject)));
    }

    /// <summary>(type, column script) for every table column and every type its view selects; a PropertyName column becomes $_.PropertyName.</summary>
    private static IEnumerable<(string TypeName, string Column)> Columns()
    {
        foreach (var file in Directory.EnumerateFiles(ModuleLayout.ModuleFolder, "*.Format.ps1xml"))
        {
            foreach (var view in XDocument.Load(file).Descendants("View"))
            {
                // A view may select several types (one table for a stream that mixes them): each gets every column.
                var typeNames = view.Element("ViewSelectedBy")?.Elements("TypeName").Select(t => t.Value).ToList() ?? [];
                var items = view.Descendants("TableColumnItem").ToList();
                foreach (var typeName in typeNames)
                {
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
}
