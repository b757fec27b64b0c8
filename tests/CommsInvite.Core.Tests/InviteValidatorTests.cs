using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;
using CommsInvite.Core.Validation;
using Xunit;

namespace CommsInvite.Core.Tests;

public sealed class InviteValidatorTests
{
    private const string CallId = "ab6233a5-20b7-4c5e-bea2-ce56c9776429";
    private const string User1 = "278405a3-f568-4b3e-b684-009193463064";
    private const string User2 = "7e1b4346-85a6-4bdd-abe3-d11c5d420efe";

    private static InvitationParticipantInfo User(string id) => new() { Identity = IdentitySet.ForUser(id) };

    private static InvitationParticipantInfo Phone(string number) => new() { Identity = IdentitySet.ForPhone(number) };

    private static InviteRequest Request(params InvitationParticipantInfo[] participants) =>
        new() { CallId = CallId, Participants = participants };

    public static TheoryData<string, object, string, string> BadRequests()
    {
        var data = new TheoryData<string, object, string, string>
        {
            { "no participants", Request(), ErrorIds.Input.NoParticipants, "Participants" },
            { "six participants", Request(User("00000000-0000-0000-0000-000000000001"), User("00000000-0000-0000-0000-000000000002"), User("00000000-0000-0000-0000-000000000003"), User("00000000-0000-0000-0000-000000000004"), User("00000000-0000-0000-0000-000000000005"), User("00000000-0000-0000-0000-000000000006")), ErrorIds.Input.TooManyParticipants, "Participants" },
            { "phone without plus", Request(Phone("12345678901")), ErrorIds.Input.InvalidPhoneNumber, "PhoneNumber" },
            { "phone with spaces", Request(Phone("+1 234 567 8901")), ErrorIds.Input.InvalidPhoneNumber, "PhoneNumber" },
            { "phone leading zero", Request(Phone("+0123456789")), ErrorIds.Input.InvalidPhoneNumber, "PhoneNumber" },
            { "phone too short", Request(Phone("+123456")), ErrorIds.Input.InvalidPhoneNumber, "PhoneNumber" },
            { "phone too long", Request(Phone("+1234567890123456")), ErrorIds.Input.InvalidPhoneNumber, "PhoneNumber" },
            { "phone letters", Request(Phone("+1234567890a")), ErrorIds.Input.InvalidPhoneNumber, "PhoneNumber" },
            { "user not a guid", Request(User("not-a-guid")), ErrorIds.Input.InvalidGuid, "UserId" },
            { "user empty", Request(User("")), ErrorIds.Input.InvalidGuid, "UserId" },
            { "application instance not a guid", Request(new InvitationParticipantInfo { Identity = IdentitySet.ForApplicationInstance("x") }), ErrorIds.Input.InvalidGuid, "ApplicationInstanceId" },
            { "application not a guid", Request(new InvitationParticipantInfo { Identity = IdentitySet.ForApplication("{bad}") }), ErrorIds.Input.InvalidGuid, "ApplicationId" },
            { "no identity", Request(new InvitationParticipantInfo { Identity = new IdentitySet() }), ErrorIds.Input.InvalidParticipant, "Participants" },
            { "two identities", Request(new InvitationParticipantInfo { Identity = new IdentitySet { User = new GraphIdentity { Id = User1 }, Phone = new GraphIdentity { Id = "+12345678901" } } }), ErrorIds.Input.InvalidParticipant, "Participants" },
            { "duplicate participant", Request(User(User1), User(User1.ToUpperInvariant())), ErrorIds.Input.InvalidParticipant, "Participants" },
            { "replacesCallId not a guid", Request(new InvitationParticipantInfo { Identity = IdentitySet.ForUser(User1), ReplacesCallId = "abc" }), ErrorIds.Input.InvalidGuid, "ReplacesCallId" },
            { "replacesCallId with two participants", Request(new InvitationParticipantInfo { Identity = IdentitySet.ForUser(User1), ReplacesCallId = "a7ebfb2d-871e-419c-87af-27290b22e8db" }, User(User2)), ErrorIds.Input.ReplacesCallIdWithMultipleParticipants, "ReplacesCallId" },
            { "client context 257", new InviteRequest { CallId = CallId, Participants = new[] { User(User1) }, ClientContext = new string('x', 257) }, ErrorIds.Input.ClientContextTooLong, "ClientContext" },
            { "empty call id", new InviteRequest { CallId = "  ", Participants = new[] { User(User1) } }, ErrorIds.Input.InvalidCallId, "CallId" },
            { "call id with slash", new InviteRequest { CallId = "abc/../users", Participants = new[] { User(User1) } }, ErrorIds.Input.InvalidCallId, "CallId" },
            { "call id with query", new InviteRequest { CallId = "abc?x=1", Participants = new[] { User(User1) } }, ErrorIds.Input.InvalidCallId, "CallId" },
            { "api version v2", new InviteRequest { CallId = CallId, Participants = new[] { User(User1) }, ApiVersion = "v2.0" }, ErrorIds.Input.InvalidApiVersion, "ApiVersion" },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void Rejects_bad_input_with_stable_id_and_parameter(string description, object request, string errorId, string parameterName)
    {
        // InviteRequest is internal: xunit hands it over as object.
        var error = Assert.Throws<CommsValidationException>(() => InviteValidator.Validate((InviteRequest)request));
        Assert.True(error.ErrorId == errorId, $"{description}: expected {errorId}, got {error.ErrorId} ({error.Message})");
        Assert.Equal(parameterName, error.ParameterName);
        Assert.Equal(FailureCategory.InvalidArgument, error.Category);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Accepts_five_participants_of_every_kind_and_fills_client_context()
    {
        var request = new InviteRequest
        {
            CallId = " " + CallId + " ",
            ApiVersion = "BETA",
            Participants = new[]
            {
                User(User1),
                Phone("+12345678901"),
                new InvitationParticipantInfo { Identity = IdentitySet.ForApplicationInstance("1e126418-44a0-4a94-a6f8-0efe1ad71acb") },
                new InvitationParticipantInfo { Identity = IdentitySet.ForApplication("8f3c0a2e-5b7d-4e1a-9c6f-2d4b8e0a1c37") },
                new InvitationParticipantInfo { Identity = IdentitySet.ForGuest("guest-1", "Guest") },
            },
        };

        InviteValidator.Validate(request);

        Assert.Equal(CallId, request.CallId);
        Assert.Equal("beta", request.ApiVersion);
        Assert.True(System.Guid.TryParse(request.ClientContext, out _));
    }

    [Fact]
    public void Keeps_client_context_of_exactly_256_characters()
    {
        var context = new string('c', 256);
        var request = new InviteRequest { CallId = CallId, Participants = new[] { User(User1) }, ClientContext = context };
        InviteValidator.Validate(request);
        Assert.Equal(context, request.ClientContext);
    }

    [Fact]
    public void Accepts_replaces_call_id_with_one_participant()
    {
        var request = Request(new InvitationParticipantInfo { Identity = IdentitySet.ForUser(User1), ReplacesCallId = "a7ebfb2d-871e-419c-87af-27290b22e8db" });
        InviteValidator.Validate(request);
        Assert.Equal("a7ebfb2d-871e-419c-87af-27290b22e8db", request.Participants[0].ReplacesCallId);
    }

    [Theory]
    [InlineData("+12345678901", true)]
    [InlineData("+4930123456", true)]
    [InlineData("+1234567", true)]
    [InlineData("+123456789012345", true)]
    [InlineData("+1234567890123456", false)]
    [InlineData("+123456", false)]
    [InlineData("12345678901", false)]
    [InlineData("+01234567890", false)]
    [InlineData("+1-234-567-8901", false)]
    [InlineData("", false)]
    public void E164_rule(string number, bool valid) => Assert.Equal(valid, InputRules.IsE164(number));

    [Theory]
    [InlineData("https://api.botframework.com", true)]
    [InlineData("http://127.0.0.1:5000/keys", true)]
    [InlineData("http://localhost/openid", true)]
    [InlineData("http://issuer.contoso.com", false)]
    [InlineData("ftp://keys.contoso.com/openid", false)]
    [InlineData("api.botframework.com", false)]
    [InlineData("keys/openid", false)]
    [InlineData(" ", false)]
    public void Https_uri_rule_for_strings_and_uris(string value, bool valid)
    {
        var fromString = Record.Exception(() => InputRules.RequireHttpsUri(value, "Issuer"));
        var fromUri = Record.Exception(() => InputRules.RequireHttpsUri(new System.Uri(value, System.UriKind.RelativeOrAbsolute), "OpenIdConfigurationUri"));
        foreach (var (error, parameter) in new[] { (fromString, "Issuer"), (fromUri, "OpenIdConfigurationUri") })
        {
            if (valid)
            {
                Assert.Null(error);
            }
            else
            {
                var invalid = Assert.IsType<CommsValidationException>(error);
                Assert.Equal(ErrorIds.Input.InvalidUri, invalid.ErrorId);
                Assert.Equal(parameter, invalid.ParameterName);
            }
        }
    }

    [Fact]
    public void Participant_factory_checks_ids()
    {
        Assert.Equal(ErrorIds.Input.InvalidPhoneNumber, Assert.Throws<CommsValidationException>(() => InvitationParticipants.Phone("555-1234")).ErrorId);
        Assert.Equal(ErrorIds.Input.InvalidGuid, Assert.Throws<CommsValidationException>(() => InvitationParticipants.User("bob")).ErrorId);
        Assert.Equal(ErrorIds.Input.InvalidGuid, Assert.Throws<CommsValidationException>(() => InvitationParticipants.User(User1, replacesCallId: "nope")).ErrorId);
        var phone = InvitationParticipants.Phone(" +12345678901 ");
        Assert.Equal("+12345678901", phone.Identity.Phone!.Id);
        Assert.Equal(IdentityKind.Phone, phone.Identity.Kind);
    }

    [Fact]
    public void Batches_of_at_most_five_and_transfers_alone()
    {
        var participants = new System.Collections.Generic.List<InvitationParticipantInfo>();
        for (var i = 1; i <= 12; i++)
        {
            participants.Add(User($"00000000-0000-0000-0000-{i:D12}"));
        }

        participants.Insert(3, new InvitationParticipantInfo { Identity = IdentitySet.ForUser(User1), ReplacesCallId = "a7ebfb2d-871e-419c-87af-27290b22e8db" });

        var batches = InviteBatches.Split(participants);

        Assert.Equal(new[] { 1, 5, 5, 2 }, System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(batches, b => b.Count)));
        Assert.NotNull(batches[0][0].ReplacesCallId);
        Assert.Equal(13, System.Linq.Enumerable.Sum(batches, b => b.Count));
        foreach (var batch in batches)
        {
            InviteValidator.ValidateParticipants(System.Linq.Enumerable.ToList(batch));
        }
    }
}
