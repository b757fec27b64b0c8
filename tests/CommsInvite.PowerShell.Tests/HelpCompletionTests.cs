using System.Management.Automation;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>Tab completion through the engine's own CommandCompletion, as a console would ask for it.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class HelpCompletionTests
{
    private readonly EmulatorFixture _emulator;

    public HelpCompletionTests(EmulatorFixture emulator) => _emulator = emulator;

    private static List<string> Complete(PowerShellSession session, string input)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = session.Runspace;
        var completion = CommandCompletion.CompleteInput(input, input.Length, null, ps);
        // Values with '-' or '.' come back quoted ('v1.0', GUIDs): compare what the user ends up with.
        return completion.CompletionMatches.Select(m => m.CompletionText.Trim('\'')).ToList();
    }

    [Fact]
    public void Environment_CompletesTheClouds()
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        Assert.Equal(new[] { "Global", "USGov", "USGovDoD", "China", "Emulator" }, Complete(session, "Connect-CsGraph -Environment "));
        Assert.Equal(new[] { "USGov", "USGovDoD" }, Complete(session, "Connect-CsGraph -Environment us"));
    }

    [Fact]
    public void ApiVersion_CompletesV1AndBeta()
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        Assert.Equal(new[] { "v1.0", "beta" }, Complete(session, "Get-CsGraphCall -ApiVersion "));
    }

    [Fact]
    public void CallId_CompletesTheCallsThisSessionCreated_NewestFirst()
    {
        using var session = _emulator.ConnectedSession();
        Assert.Empty(Complete(session, "Get-CsGraphCall -CallId "));

        var ids = session.Run(
            "(New-CsGraphCall -CallbackUri $args[0] -ThreadId '19:meeting_a@thread.v2' -ErrorAction Stop).Id; " +
            "(New-CsGraphCall -CallbackUri $args[0] -ThreadId '19:meeting_b@thread.v2' -ErrorAction Stop).Id",
            _emulator.CallbackUri).ThrowOnError().Output.Select(o => o.BaseObject.ToString()!).ToList();

        var completions = Complete(session, "Invoke-CsGraphParticipantInvite -CallId ");
        Assert.Equal(new[] { ids[1], ids[0] }, completions.Take(2));
        Assert.Equal(new[] { ids[0] }, Complete(session, "Get-CsGraphCallParticipant -CallId " + ids[0].Substring(0, 12)));
    }

    [Theory]
    [InlineData("Get-CsPhoneNumberAssignment")]
    [InlineData("Set-CsPhoneNumberAssignment")]
    [InlineData("Remove-CsPhoneNumberAssignment")]
    public void NumberType_CompletesTheGraphNumberTypes(string cmdlet)
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        Assert.Equal(new[] { "CallingPlan", "DirectRouting", "OperatorConnect" }, Complete(session, cmdlet + " -NumberType "));
        Assert.Equal(new[] { "DirectRouting" }, Complete(session, cmdlet + " -NumberType dir"));
        // The MicrosoftTeams module's name for the parameter completes the same.
        Assert.Equal(new[] { "OperatorConnect" }, Complete(session, cmdlet + " -PhoneNumberType op"));
    }

    [Fact]
    public void EveryNumberTypeParameter_HasACompleter()
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        // Any cmdlet added later with a -NumberType must complete it too; exactly one completer class serves them all.
        var result = session.Run(
            "Get-Command -Module CommsInvite | ForEach-Object { $p = $_.Parameters['NumberType']; if ($p) { " +
            "$c = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] }; " +
            "'{0}={1}' -f $_.Name, ($c.Type.FullName -join ',') } }").ThrowOnError();

        var lines = result.Output.Select(o => o.BaseObject.ToString()!).ToList();
        Assert.True(lines.Count >= 3, string.Join("; ", lines));
        Assert.All(lines, line => Assert.EndsWith("=CommsInvite.Commands.NumberTypeCompleter", line));
    }
}
