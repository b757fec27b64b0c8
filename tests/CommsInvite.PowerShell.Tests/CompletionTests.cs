using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class CompletionTests
{
    private readonly EmulatorFixture _emulator;

    public CompletionTests(EmulatorFixture emulator) => _emulator = emulator;

    [Theory]
    [InlineData("Connect-CsGraph -Environment US", new[] { "USGov", "USGovDoD" })]
    [InlineData("Connect-CsGraph -Environment ", new[] { "Global", "USGov", "USGovDoD", "China", "Emulator" })]
    [InlineData("Invoke-CsGraphParticipantInvite -ApiVersion b", new[] { "beta" })]
    [InlineData("Get-CsGraphCall -ApiVersion ", new[] { "'v1.0'", "beta" })]
    public void Parameters_CompleteTheirValues(string line, string[] expected)
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        var result = session.Run("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches.CompletionText", line).ThrowOnError();

        Assert.Equal(expected, result.Output.Select(o => o.ToString()).ToArray());
    }

    [Fact]
    public void CallId_CompletesTheCallsThisSessionCreated_AndGetCsGraphCallListsThem()
    {
        using var session = _emulator.ConnectedSession();
        var callId = session.Run("(New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_complete@thread.v2' -ErrorAction Stop).Id").ThrowOnError().Output.Single().ToString()!;

        var completion = session.Run("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches.CompletionText", "Get-CsGraphCallParticipant -CallId " + callId[..4]).ThrowOnError();
        var listed = session.Run("(Get-CsGraphCall -ErrorAction Stop).Id").ThrowOnError();

        Assert.Contains(completion.Output, o => o.ToString() == "'" + callId + "'" || o.ToString() == callId);
        Assert.Contains(listed.Output, o => o.ToString() == callId);
    }
}
