using CommsInvite.HelpGen;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>
/// Get-Help through the real engine on the built module: every exported cmdlet and each of its own parameters has
/// help, no help names a parameter that does not exist, two examples at least, related links, the about topic;
/// and the committed MAML is what module/help/*.md generates today.
/// </summary>
public sealed class HelpTests
{
    public static TheoryData<string> ExportedCmdlets()
    {
        var data = new TheoryData<string>();
        foreach (var name in ModuleLayout.ManifestCmdlets)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void GetHelpFull_HasSynopsisDescriptionExamplesAndLinks(string cmdlet)
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        var result = session.Run(
            "$h = Get-Help -Name $args[0] -Full -ErrorAction Stop; " +
            "$h.Synopsis; ($h.description | ForEach-Object { $_.Text }) -join ' '; @($h.examples.example).Count; " +
            "(@($h.examples.example) | ForEach-Object { $_.code }) -join '|'; @($h.relatedLinks.navigationLink).Count; " +
            "($h.syntax.syntaxItem | ForEach-Object { $_.name }) -join ','",
            cmdlet).ThrowOnError();

        var values = result.Output.Select(o => o?.BaseObject?.ToString() ?? string.Empty).ToList();
        Assert.Equal(6, values.Count);
        var (synopsis, description, examples, code, links, syntax) = (values[0], values[1], int.Parse(values[2]), values[3], int.Parse(values[4]), values[5]);

        // Without MAML the engine makes up a synopsis from the syntax ("Get-X [-Param] ..."): real help is prose.
        Assert.False(string.IsNullOrWhiteSpace(synopsis));
        Assert.DoesNotContain(cmdlet + " [", synopsis);
        Assert.True(description.Length > 40, $"{cmdlet}: description too short: '{description}'");
        Assert.True(examples >= HelpGenerator.MinimumExamples, $"{cmdlet}: {examples} example(s)");
        Assert.Contains(cmdlet, code);
        Assert.True(links >= 1, $"{cmdlet}: no related links");
        Assert.StartsWith(cmdlet, syntax);
    }

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void EveryParameter_HasHelp_AndHelpNamesOnlyRealParameters(string cmdlet)
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        var actual = session.Run(
            "(Get-Command -Name $args[0] -ErrorAction Stop).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters }",
            cmdlet).ThrowOnError().Output.Select(o => o.BaseObject.ToString()!).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var documented = session.Run(
            "(Get-Help -Name $args[0] -Full -ErrorAction Stop).parameters.parameter | Where-Object { $_.name } | ForEach-Object { $_.name + '=' + (($_.description | ForEach-Object { $_.Text }) -join ' ') }",
            cmdlet).ThrowOnError().Output.Select(o => o.BaseObject.ToString()!).ToList();

        var documentedNames = documented.Select(d => d.Split('=')[0]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Empty(actual.Except(documentedNames, StringComparer.OrdinalIgnoreCase));
        Assert.Empty(documentedNames.Except(actual, StringComparer.OrdinalIgnoreCase));
        Assert.All(documented, d => Assert.True(d.Split('=', 2)[1].Trim().Length > 10, $"{cmdlet}: parameter help too short: {d}"));
    }

    [Fact]
    public void ParameterHelp_ComesFromTheCmdlet_TypesPositionsAndPipelineInput()
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        var result = session.Run(
            "$p = Get-Help -Name Invoke-CsGraphParticipantInvite -Parameter CallId; $p.required; $p.position; $p.pipelineInput; $p.type.name; " +
            "$p = Get-Help -Name Invoke-CsGraphParticipantInvite -Parameter Participant; $p.pipelineInput; $p.type.name; " +
            "(Get-Help -Name Connect-CsGraph -Parameter ClientId).aliases").ThrowOnError();

        Assert.Equal(
            new[] { "true", "0", "True (ByPropertyName)", "String", "True (ByValue)", "InvitationParticipantInfo[]", "ApplicationId, AppId" },
            result.Output.Select(o => o.BaseObject.ToString()).ToArray());
    }

    [Fact]
    public void SyntaxInHelp_HasOneItemPerParameterSet()
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        var result = session.Run(
            "@((Get-Command Connect-CsGraph).ParameterSets).Count; @((Get-Help Connect-CsGraph).syntax.syntaxItem).Count").ThrowOnError();

        Assert.Equal(result.Output[0].BaseObject, result.Output[1].BaseObject);
    }

    [Fact]
    public void AboutTopic_IsFoundByGetHelp()
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        var result = session.Run("Get-Help -Name about_CommsInvite -ErrorAction Stop").ThrowOnError();

        var text = string.Join("\n", result.Output.Select(o => o.BaseObject.ToString()));
        Assert.Contains("about_CommsInvite", text);
        Assert.Contains("SHORT DESCRIPTION", text);
        Assert.Contains("Calls.InitiateGroupCall.All", text);
    }

    [Fact]
    public void CommittedHelp_IsWhatTheMarkdownGenerates_AndIsComplete()
    {
        var generated = HelpGenerator.Generate(ModuleLayout.RepoRoot, ModuleLayout.BuiltManifestPath);

        Assert.True(generated.Problems.Count == 0, "Help problems:\n" + string.Join("\n", generated.Problems));
        var folder = HelpGenerator.OutputFolder(ModuleLayout.RepoRoot);
        const string Fix = " is stale: run `dotnet run --project tools/CommsInvite.HelpGen` and commit module/en-US.";
        Assert.True(
            Normalize(File.ReadAllText(Path.Combine(folder, HelpGenerator.MamlFileName))) == generated.MamlXml,
            HelpGenerator.MamlFileName + Fix);
        Assert.True(
            Normalize(File.ReadAllText(Path.Combine(folder, HelpGenerator.AboutFileName))) == generated.AboutText,
            HelpGenerator.AboutFileName + Fix);
    }

    [Fact]
    public void Generator_ReportsMissingParameterHelp_UnknownParameters_AndTooFewExamples()
    {
        // A scratch repository whose help for Get-CsGraphCall is wrong in three ways; the built module supplies the cmdlets.
        var root = Directory.CreateTempSubdirectory("CommsInvite.HelpTests.").FullName;
        try
        {
            var help = Directory.CreateDirectory(Path.Combine(root, "module", "help")).FullName;
            foreach (var file in Directory.EnumerateFiles(HelpGenerator.HelpSourceFolder(ModuleLayout.RepoRoot), "*.md"))
            {
                File.Copy(file, Path.Combine(help, Path.GetFileName(file)));
            }

            File.WriteAllText(Path.Combine(help, "Get-CsGraphCall.md"), """
                # Get-CsGraphCall

                ## SYNOPSIS
                Gets a call.

                ## DESCRIPTION
                Gets a call by id.

                ## EXAMPLES

                ### Example 1: One
                ```powershell
                Get-CsGraphCall -CallId $id
                ```

                ## PARAMETERS

                ### -CallId
                The call's id.

                ### -NoSuchParameter
                Made up.

                ### -Connection
                The connection to use, by name or context.

                ## RELATED LINKS
                - [Get-CsGraphCallParticipant](Get-CsGraphCallParticipant.md)
                """);

            var generated = HelpGenerator.Generate(root, ModuleLayout.BuiltManifestPath);

            Assert.Contains(generated.Problems, p => p.Contains("-NoSuchParameter") && p.Contains("does not have"));
            Assert.Contains(generated.Problems, p => p.Contains("-ApiVersion has no help"));
            Assert.Contains(generated.Problems, p => p.Contains("1 example(s)"));
            Assert.Equal(3, generated.Problems.Count);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n");
}
