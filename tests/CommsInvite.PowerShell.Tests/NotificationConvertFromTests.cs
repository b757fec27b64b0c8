using System.Management.Automation;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>ConvertFrom-CsGraphNotification in a real engine: the seeds' bodies, pipeline lines, files, bad bodies.</summary>
public sealed class NotificationConvertFromTests : IDisposable
{
    private const string SeedCallId = "ab6233a5-20b7-4c5e-bea2-ce56c9776429";
    private const string SeedOperationId = "eec3812a-fdc3-4fb4-825c-a06c9f35414e";
    private const string MultiInviteCallId = "7531d31f-d10d-44de-802f-c569dbca451c";

    private readonly PowerShellSession _session = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("cinotify-").FullName;

    public NotificationConvertFromTests() => _session.ImportModule();

    public static TheoryData<string> SeedFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in NotificationSeeds.Files())
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SeedFiles))]
    public void EverySeedBody_ConvertsToTypedNotifications(string seedFile)
    {
        var blocks = NotificationSeeds.Blocks(Path.Combine(NotificationSeeds.Directory, seedFile));
        Assert.Equal(8, blocks.Count);

        foreach (var block in blocks)
        {
            var result = _session.Run("$args[0] | ConvertFrom-CsGraphNotification", block).ThrowOnError();

            var notification = Assert.Single(result.Output);
            var typeName = notification.BaseObject.GetType().Name;
            Assert.Contains(typeName, new[] { "OperationNotification", "RosterNotification" });
            Assert.False(string.IsNullOrEmpty(notification.Properties["CallId"].Value?.ToString()), block);
        }
    }

    [Fact]
    public void SeedExampleOne_OperationNotification_CarriesTheFinalOperation()
    {
        var block = NotificationSeeds.Blocks(NotificationSeeds.Files()[0]).First(b => b.Contains("\"deleted\"", StringComparison.Ordinal));

        var result = _session.Run(@"
            $n = ConvertFrom-CsGraphNotification -InputObject $args[0]
            $n.GetType().Name; $n.CallId; $n.OperationId; [string]$n.Status; $n.ClientContext; $n.IsFinal; $n.Participants[0].Identity.User.Id", block).ThrowOnError();

        Assert.Equal(
            new[] { "OperationNotification", SeedCallId, SeedOperationId, "Completed", "f2fa86af-3c51-4bc2-8fc0-475452d9764f", "True", "278405a3-f568-4b3e-b684-009193463064" },
            result.Output.Select(o => o.ToString()).ToArray());
    }

    [Fact]
    public void SeedExampleTwo_MultiInviteCompletion_HasNoOperationId_AndItsRosterParses()
    {
        var blocks = NotificationSeeds.Blocks(NotificationSeeds.Files()[0]).Where(b => b.Contains(MultiInviteCallId, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, blocks.Count);
        _session.SetVariable("blocks", blocks.ToArray());

        var result = _session.Run(@"
            $all = $blocks | ConvertFrom-CsGraphNotification
            $op = $all | Where-Object { $_.Kind -eq 'Operation' }
            $roster = $all | Where-Object { $_.Kind -eq 'Roster' }
            $null -eq $op.OperationId; [string]$op.Status; $op.Participants.Count
            $roster.Participants.Count; [string]$roster.Participants[1].Info.Identity.Kind; $roster.Participants[1].MediaStreams[0].SourceId").ThrowOnError();

        Assert.Equal(new[] { "True", "Completed", "2", "2", "User", "3" }, result.Output.Select(o => o.ToString()).ToArray());
    }

    [Fact]
    public void LinesFromThePipeline_AreJoinedIntoOneBody_LikeGetContent()
    {
        var block = NotificationSeeds.Blocks(NotificationSeeds.Files()[0]).First(b => b.Contains("\"updated\"", StringComparison.Ordinal) && b.Contains("\"phone\"", StringComparison.Ordinal));
        var lines = block.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.True(lines.Length > 10);

        var result = _session.Run("$args[0] | ConvertFrom-CsGraphNotification", (object)lines).ThrowOnError();

        var roster = Assert.Single(result.Output);
        Assert.Equal("RosterNotification", roster.BaseObject.GetType().Name);
        Assert.Equal(SeedCallId, roster.Properties["CallId"].Value);
    }

    [Fact]
    public void SeveralWholeBodiesFromThePipeline_EachConvert()
    {
        var blocks = NotificationSeeds.Blocks(NotificationSeeds.Files()[1]).Select(b => b.Replace("\r", string.Empty).Replace("\n", " ")).ToArray();

        var result = _session.Run("$args[0] | ConvertFrom-CsGraphNotification", (object)blocks).ThrowOnError();

        Assert.Equal(blocks.Length, result.Output.Count);
    }

    [Fact]
    public void PathAndLiteralPath_ReadFiles()
    {
        var blocks = NotificationSeeds.Blocks(NotificationSeeds.Files()[0]);
        var first = TempFile(blocks[0]);
        var second = TempFile(blocks[1]);

        var byPath = _session.Run("ConvertFrom-CsGraphNotification -Path $args[0], $args[1]", first, second).ThrowOnError();
        var byLiteral = _session.Run("ConvertFrom-CsGraphNotification -LiteralPath $args[0]", first).ThrowOnError();
        var wildcard = _session.Run("ConvertFrom-CsGraphNotification -Path ([System.IO.Path]::Combine([System.IO.Path]::GetDirectoryName($args[0]), 'body-*.json'))", first).ThrowOnError();

        Assert.Equal(2, byPath.Output.Count);
        Assert.Single(byLiteral.Output);
        Assert.Equal(2, wildcard.Output.Count);
    }

    [Fact]
    public void MissingFile_IsObjectNotFound()
    {
        var result = _session.Run("ConvertFrom-CsGraphNotification -LiteralPath $args[0]", Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".json"));

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("NotificationFileNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
    }

    [Fact]
    public void UnknownResourceKind_ComesThroughAsAGenericNotification()
    {
        const string body = """
            {"value":[{"@odata.type":"#microsoft.graph.commsNotification","changeType":"updated",
              "resource":"/communications/calls/0b1f6a00-1111-2222-3333-444455556666/audioRoutingGroups/x1",
              "resourceData":{"@odata.type":"#microsoft.graph.audioRoutingGroup","id":"x1","routingMode":"multicast"}}]}
            """;

        var result = _session.Run("$n = $args[0] | ConvertFrom-CsGraphNotification; $n.GetType().Name; [string]$n.Kind; $n.CallId; $n.ResourceDataType; $n.ResourceDataJson.Contains('multicast')", body).ThrowOnError();

        Assert.Equal(
            new[] { "GenericNotification", "Generic", "0b1f6a00-1111-2222-3333-444455556666", "#microsoft.graph.audioRoutingGroup", "True" },
            result.Output.Select(o => o.ToString()).ToArray());
    }

    public static TheoryData<string, string> MalformedBodies => new()
    {
        { "not JSON", "this is not json" },
        { "truncated", "{\"value\":[{\"@odata.type\":\"#microsoft.graph.commsNotification\"," },
        { "value not an array", "{\"value\":{\"changeType\":\"deleted\"}}" },
        { "a number", "42" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void MalformedBody_IsANonTerminatingInvalidDataError(string name, string body)
    {
        var good = NotificationSeeds.Blocks(NotificationSeeds.Files()[0])[0].Replace("\r", string.Empty).Replace("\n", " ");
        var badFile = TempFile(body);
        var goodFile = TempFile(good);

        // From a string, and from files: the bad one errors, the good one after it still converts.
        var fromString = _session.Run("ConvertFrom-CsGraphNotification -InputObject $args[0]; 'after'", body);
        var fromFiles = _session.Run("ConvertFrom-CsGraphNotification -LiteralPath $args[0], $args[1]", badFile, goodFile);

        foreach (var result in new[] { fromString, fromFiles })
        {
            Assert.Null(result.Terminating);
            var error = Assert.Single(result.Errors);
            Assert.True(error.FullyQualifiedErrorId.StartsWith("InvalidNotificationBody,", StringComparison.Ordinal), $"{name}: {ScriptResult.Describe(error)}");
            Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        }

        Assert.Equal("after", Assert.Single(fromString.Output).ToString());
        Assert.Equal("OperationNotification", Assert.Single(fromFiles.Output).BaseObject.GetType().Name);
        Assert.Equal(badFile, fromFiles.Errors[0].TargetObject?.ToString());
    }

    private string TempFile(string content)
    {
        var path = Path.Combine(_directory, "body-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);

        _session.Dispose();
    }
}
