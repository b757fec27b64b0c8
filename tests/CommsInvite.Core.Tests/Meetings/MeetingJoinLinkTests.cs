using System.Text.Json;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;
using Xunit;

namespace CommsInvite.Core.Tests.Meetings;

/// <summary>Teams join links as people paste them: every shape the parser accepts, and the ones it refuses early.</summary>
public sealed class MeetingJoinLinkTests
{
    private const string Tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private const string Organizer = "550fae72-d251-43ec-868c-373732c2704f";
    private const string Thread = "19:meeting_NTg0NmQ3NTctZDVkZC00YzRhLThmNmEtOGQ3M2E1ODM5ZjQ1@thread.v2";
    private const string EncodedThread = "19%3ameeting_NTg0NmQ3NTctZDVkZC00YzRhLThmNmEtOGQ3M2E1ODM5ZjQ1%40thread.v2";
    private const string EncodedContext = "%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-2d7cd011db47%22%2c%22Oid%22%3a%22550fae72-d251-43ec-868c-373732c2704f%22%7d";

    public static TheoryData<string, string> OrganizerLinks => new()
    {
        { "copied from an Outlook invitation", $"https://teams.microsoft.com/l/meetup-join/{EncodedThread}/0?context={EncodedContext}" },
        { "upper-case escapes", $"https://teams.microsoft.com/l/meetup-join/{Upper(EncodedThread)}/0?context={Upper(EncodedContext)}" },
        { "unencoded thread and context", $"https://teams.microsoft.com/l/meetup-join/{Thread}/0?context={{\"Tid\":\"{Tenant}\",\"Oid\":\"{Organizer}\"}}" },
        { "no message id", $"https://teams.microsoft.com/l/meetup-join/{EncodedThread}?context={EncodedContext}" },
        { "trailing slash instead of a message id", $"https://teams.microsoft.com/l/meetup-join/{EncodedThread}/?context={EncodedContext}" },
        { "extra query parameters around the context", $"https://teams.microsoft.com/l/meetup-join/{EncodedThread}/0?anon=true&context={EncodedContext}&deeplinkId=4b3a2c1d&btype=a&role=a" },
        { "leading and trailing spaces", $"  https://teams.microsoft.com/l/meetup-join/{EncodedThread}/0?context={EncodedContext}  " },
        { "GCC host", $"https://gov.teams.microsoft.us/l/meetup-join/{EncodedThread}/0?context={EncodedContext}" },
        { "GCC High host", $"https://teams.microsoft.us/l/meetup-join/{EncodedThread}/0?context={EncodedContext}" },
        { "DoD host", $"https://dod.teams.microsoft.us/l/meetup-join/{EncodedThread}/0?context={EncodedContext}" },
        { "21Vianet host", $"https://teams.microsoftonline.cn/l/meetup-join/{EncodedThread}/0?context={EncodedContext}" },
        { "teams.cloud.microsoft host", $"https://teams.cloud.microsoft/l/meetup-join/{EncodedThread}/0?context={EncodedContext}" },
        { "context encoded twice by a mail client", $"https://teams.microsoft.com/l/meetup-join/{EncodedThread}/0?context={EncodedContext.Replace("%", "%25", StringComparison.Ordinal)}" },
        { "context with extra members", $"https://teams.microsoft.com/l/meetup-join/{EncodedThread}/0?context=%7b%22Tid%22%3a%22{Tenant}%22%2c%22Oid%22%3a%22{Organizer}%22%2c%22IsBroadcastMeeting%22%3atrue%7d" },
        { "lower-case context keys", $"https://teams.microsoft.com/l/meetup-join/{EncodedThread}/0?context=%7b%22tid%22%3a%22{Tenant}%22%2c%22oid%22%3a%22{Organizer}%22%7d" },
        { "wrapped by Outlook Safe Links", "https://nam06.safelinks.protection.outlook.com/?url=" + Uri.EscapeDataString($"https://teams.microsoft.com/l/meetup-join/{EncodedThread}/0?context={EncodedContext}") + "&data=05%7C01%7C&reserved=0" },
        { "the Teams launcher page", "https://teams.microsoft.com/dl/launcher/launcher.html?url=" + Uri.EscapeDataString($"/_#/l/meetup-join/{EncodedThread}/0?context={EncodedContext}&anon=true") + "&type=meetup-join&deeplinkId=9c1f&directDl=true&msLaunch=true&enableMobilePage=true&suppressPrompt=true" },
        { "the web client's fragment form", $"https://teams.microsoft.com/_#/l/meetup-join/{EncodedThread}/0?context={EncodedContext}" },
    };

    private static string Upper(string escaped) =>
        escaped.Replace("%3a", "%3A", StringComparison.Ordinal).Replace("%7b", "%7B", StringComparison.Ordinal)
            .Replace("%2c", "%2C", StringComparison.Ordinal).Replace("%7d", "%7D", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(OrganizerLinks))]
    public void OrganizerLink_GivesThread_MessageZero_Organizer_AndTenant(string variant, string link)
    {
        var target = MeetingJoinLinks.ParseJoinWebUrl(link);

        Assert.True(target.ChatInfo is not null, variant);
        Assert.Equal(Thread, target.ChatInfo!.ThreadId);
        Assert.Equal("0", target.ChatInfo.MessageId);
        Assert.Null(target.ChatInfo.ReplyChainMessageId);
        Assert.Equal(MeetingInfo.OrganizerType, target.MeetingInfo.ODataType);
        Assert.Equal(Organizer, target.MeetingInfo.Organizer?.User?.Id);
        Assert.Equal(Tenant, target.MeetingInfo.Organizer?.User?.TenantId);
        Assert.Equal(Tenant, target.TenantId);
        Assert.Null(target.MeetingInfo.JoinMeetingId);
    }

    [Fact]
    public void ChannelMeetingLink_KeepsTheMessageId_AndTheReplyChain()
    {
        var link = "https://teams.microsoft.com/l/meetup-join/19%3a4f1c2b3a9d8e4f7a8b6c5d4e3f2a1b0c%40thread.tacv2/1606420000000?context="
            + Uri.EscapeDataString($"{{\"Tid\":\"{Tenant}\",\"Oid\":\"{Organizer}\",\"MessageId\":\"1606410000000\"}}");

        var target = MeetingJoinLinks.ParseJoinWebUrl(link);

        Assert.Equal("19:4f1c2b3a9d8e4f7a8b6c5d4e3f2a1b0c@thread.tacv2", target.ChatInfo!.ThreadId);
        Assert.Equal("1606420000000", target.ChatInfo.MessageId);
        Assert.Equal("1606410000000", target.ChatInfo.ReplyChainMessageId);
    }

    [Theory]
    [InlineData("https://teams.microsoft.com/meet/2345678901234?p=AbC123xyz", "2345678901234", "AbC123xyz")]
    [InlineData("https://teams.microsoft.com/meet/2345678901234?p=AbC123xyz&anon=true", "2345678901234", "AbC123xyz")]
    [InlineData("https://teams.microsoft.com/meet/2345678901234", "2345678901234", null)]
    [InlineData("https://gov.teams.microsoft.us/meet/987654321?p=x1", "987654321", "x1")]
    public void ShortLink_GivesJoinMeetingIdAndPasscode(string link, string meetingId, string? passcode)
    {
        var target = MeetingJoinLinks.ParseJoinWebUrl(link);

        Assert.Null(target.ChatInfo);
        Assert.Equal(MeetingInfo.JoinMeetingIdType, target.MeetingInfo.ODataType);
        Assert.Equal(meetingId, target.MeetingInfo.JoinMeetingId);
        Assert.Equal(passcode, target.MeetingInfo.Passcode);
    }

    public static TheoryData<string, string, string> BadLinks => new()
    {
        { "empty", "", "empty" },
        { "not a URL", "teams meeting tomorrow", "absolute" },
        { "plain http", $"http://teams.microsoft.com/l/meetup-join/{EncodedThread}/0?context={EncodedContext}", "host" },
        { "another host", $"https://teams.contoso.com/l/meetup-join/{EncodedThread}/0?context={EncodedContext}", "host" },
        { "a look-alike host", $"https://teams.microsoft.com.evil.example/l/meetup-join/{EncodedThread}/0?context={EncodedContext}", "host" },
        { "Teams (free)", "https://teams.live.com/meet/9876543210?p=abc", "teams.live.com" },
        { "a channel link, not a meeting", "https://teams.microsoft.com/l/channel/19%3aabc%40thread.tacv2/General?groupId=1&tenantId=2", "meetup-join" },
        { "no thread after meetup-join", "https://teams.microsoft.com/l/meetup-join/", "meetup-join" },
        { "thread that is not a chat thread", $"https://teams.microsoft.com/l/meetup-join/meeting_abc/0?context={EncodedContext}", "thread id" },
        { "thread with a space", $"https://teams.microsoft.com/l/meetup-join/19%3ameeting%20abc%40thread.v2/0?context={EncodedContext}", "thread id" },
        { "message id that is not a number", $"https://teams.microsoft.com/l/meetup-join/{EncodedThread}/abc?context={EncodedContext}", "message id" },
        { "no context", $"https://teams.microsoft.com/l/meetup-join/{EncodedThread}/0", "context" },
        { "context that is not JSON", $"https://teams.microsoft.com/l/meetup-join/{EncodedThread}/0?context=%7bTid", "JSON" },
        { "context that is a JSON array", $"https://teams.microsoft.com/l/meetup-join/{EncodedThread}/0?context=%5b1%5d", "object" },
        { "context without the organizer", $"https://teams.microsoft.com/l/meetup-join/{EncodedThread}/0?context=%7b%22Tid%22%3a%22{Tenant}%22%7d", "Oid" },
        { "organizer that is not a GUID", $"https://teams.microsoft.com/l/meetup-join/{EncodedThread}/0?context=%7b%22Tid%22%3a%22{Tenant}%22%2c%22Oid%22%3a%22bob%22%7d", "Oid" },
        { "tenant that is not a GUID", $"https://teams.microsoft.com/l/meetup-join/{EncodedThread}/0?context=%7b%22Tid%22%3a%22contoso%22%2c%22Oid%22%3a%22{Organizer}%22%7d", "Tid" },
        { "short link with letters in the id", "https://teams.microsoft.com/meet/abc?p=x", "short" },
        { "Safe Links without its url", "https://nam06.safelinks.protection.outlook.com/?data=05", "url=" },
        { "launcher without its url", "https://teams.microsoft.com/dl/launcher/launcher.html?type=meetup-join", "url=" },
        { "oversized", "https://teams.microsoft.com/l/meetup-join/" + new string('x', 5000), "characters" },
    };

    [Theory]
    [MemberData(nameof(BadLinks))]
    public void BadLink_IsInvalidJoinWebUrl_NamingWhatIsWrong(string variant, string link, string fragment)
    {
        var error = Assert.Throws<CommsValidationException>(() => MeetingJoinLinks.ParseJoinWebUrl(link));

        Assert.Equal(ErrorIds.Meetings.InvalidJoinWebUrl, error.ErrorId);
        Assert.Equal(FailureCategory.InvalidArgument, error.Category);
        Assert.Equal("JoinWebUrl", error.ParameterName);
        Assert.True(error.Message.Contains(fragment, StringComparison.OrdinalIgnoreCase), $"{variant}: {error.Message}");
    }

    [Fact]
    public void NullLink_IsInvalidJoinWebUrl()
    {
        var error = Assert.Throws<CommsValidationException>(() => MeetingJoinLinks.ParseJoinWebUrl(null));
        Assert.Equal(ErrorIds.Meetings.InvalidJoinWebUrl, error.ErrorId);
    }

    [Theory]
    [InlineData("123456789012", "123456789012")]
    [InlineData("123 456 789 012", "123456789012")]
    [InlineData(" 2345678901234 ", "2345678901234")]
    [InlineData("1234567", "1234567")]
    public void JoinMeetingId_DropsSpaces(string given, string expected) =>
        Assert.Equal(expected, MeetingJoinLinks.RequireJoinMeetingId(given));

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("abc123456")]
    [InlineData("123-456-789")]
    [InlineData("123456789012345678901")]
    public void BadJoinMeetingId_IsInvalidJoinMeetingId(string given)
    {
        var error = Assert.Throws<CommsValidationException>(() => MeetingJoinLinks.FromJoinMeetingId(given, null));
        Assert.Equal(ErrorIds.Meetings.InvalidJoinMeetingId, error.ErrorId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ab cd")]
    [InlineData("tab\there")]
    public void BadPasscode_IsInvalidMeetingPasscode_WithoutEchoingIt(string given)
    {
        var error = Assert.Throws<CommsValidationException>(() => MeetingJoinLinks.FromJoinMeetingId("123456789012", given));
        Assert.Equal(ErrorIds.Meetings.InvalidMeetingPasscode, error.ErrorId);
        Assert.Equal(given.Length, error.TargetObject);
        if (given.Length > 0)
        {
            Assert.DoesNotContain(given, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void JoinMeetingIdTarget_SerializesAsGraphDocumentsIt()
    {
        var target = MeetingJoinLinks.FromJoinMeetingId("1234567", "psw123");
        var json = JsonSerializer.Serialize(new Call { MeetingInfo = target.MeetingInfo }, GraphJson.Options);
        using var document = JsonDocument.Parse(json);
        var meetingInfo = document.RootElement.GetProperty("meetingInfo");

        Assert.Equal("#microsoft.graph.joinMeetingIdMeetingInfo", meetingInfo.GetProperty("@odata.type").GetString());
        Assert.Equal("1234567", meetingInfo.GetProperty("joinMeetingId").GetString());
        Assert.Equal("psw123", meetingInfo.GetProperty("passcode").GetString());
        Assert.False(meetingInfo.TryGetProperty("organizer", out _));
    }

    [Fact]
    public void OrganizerTarget_SerializesAsGraphDocumentsIt()
    {
        var target = MeetingJoinLinks.ParseJoinWebUrl($"https://teams.microsoft.com/l/meetup-join/{EncodedThread}/0?context={EncodedContext}");
        var json = JsonSerializer.Serialize(new Call { ChatInfo = target.ChatInfo, MeetingInfo = target.MeetingInfo }, GraphJson.Options);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        Assert.Equal(Thread, root.GetProperty("chatInfo").GetProperty("threadId").GetString());
        Assert.Equal("0", root.GetProperty("chatInfo").GetProperty("messageId").GetString());
        var meetingInfo = root.GetProperty("meetingInfo");
        Assert.Equal("#microsoft.graph.organizerMeetingInfo", meetingInfo.GetProperty("@odata.type").GetString());
        var user = meetingInfo.GetProperty("organizer").GetProperty("user");
        Assert.Equal(Organizer, user.GetProperty("id").GetString());
        Assert.Equal(Tenant, user.GetProperty("tenantId").GetString());
        Assert.False(meetingInfo.TryGetProperty("joinMeetingId", out _));
    }
}
