using System.Text;
using System.Text.Json;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;
using Xunit;

namespace CommsInvite.Core.Tests;

/// <summary>The generated serialisation code (GraphJsonContext) against the reflection serializer with the same options.</summary>
public sealed class GraphJsonContextTests
{
    private static readonly JsonSerializerOptions ReflectionOnly = new()
    {
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    private static InviteParticipantsOperation Read(byte[] body) => JsonSerializer.Deserialize(body, GraphJsonContext.Default.InviteParticipantsOperation)!;

    public static IEnumerable<object[]> Bodies()
    {
        yield return new object[] { new[] { InvitationParticipants.User("278405a3-f568-4b3e-b684-009193463064") }, "f2fa86af-3c51-4bc2-8fc0-475452d9764f" };
        yield return new object[] { new[] { InvitationParticipants.User("278405a3-f568-4b3e-b684-009193463064", "72f988bf-86f1-41af-91ab-2d7cd011db47") }, "ctx" };
        yield return new object[] { new[] { InvitationParticipants.Phone("+12345678901") }, "ctx" };
        yield return new object[] { new[] { InvitationParticipants.Application("8f3c0a2e-5b7d-4e1a-9c6f-2d4b8e0a1c37", "Bot <&> \"quoted\" é") }, "ctx with \"quotes\" and \\ and \u2028" };

        var everything = new InvitationParticipantInfo
        {
            ODataType = null,
            ReplacesCallId = "a7ebfb2d-871e-419c-87af-27290b22e8db",
            EndpointType = "default",
            Id = "participant-1",
            Hidden = true,
            ParticipantId = "p-1",
            RemoveFromDefaultAudioRoutingGroup = false,
            Identity = new IdentitySet
            {
                ODataType = "#microsoft.graph.identitySet",
                User = new GraphIdentity { ODataType = "#microsoft.graph.identity", Id = "u", DisplayName = "Ünïcode ✓", IdentityProvider = "AAD", TenantId = "t" },
                Application = new GraphIdentity { Id = "a" },
                ApplicationInstance = new GraphIdentity { Id = "ai" },
                Phone = new GraphIdentity { Id = "+1" },
                Guest = new GraphIdentity { Id = "g" },
                Device = new GraphIdentity { Id = "d" },
                Encrypted = new GraphIdentity { Id = "e" },
                OnPremises = new GraphIdentity { Id = "o" },
            },
        };
        yield return new object[] { new[] { everything }, "all fields" };
        yield return new object[] { new[] { InvitationParticipants.User("0fe0623f-d628-42ed-b4bd-8ac290072cc5"), InvitationParticipants.Phone("+12345678901"), InvitationParticipants.ApplicationInstance("8f3c0a2e-5b7d-4e1a-9c6f-2d4b8e0a1c37") }, "three" };
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void The_generated_body_is_byte_for_byte_what_the_reflection_serializer_writes(InvitationParticipantInfo[] participants, string clientContext)
    {
        var body = new InviteParticipantsBody { Participants = participants, ClientContext = clientContext };
        var expected = JsonSerializer.SerializeToUtf8Bytes(body, ReflectionOnly);
        var actual = JsonSerializer.SerializeToUtf8Bytes(body, GraphJsonContext.Default.InviteParticipantsBody);
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
    }

    [Fact]
    public void The_operation_and_the_participant_echo_are_read_and_unknown_properties_skipped()
    {
        const string answer = """
            {
              "@odata.type": "#microsoft.graph.inviteParticipantsOperation",
              "ID": "0fe0623f-d628-42ed-b4bd-8ac290072cc5",
              "Status": "Failed",
              "clientContext": "f2fa86af-3c51-4bc2-8fc0-475452d9764f",
              "resultInfo": { "@odata.type": "#microsoft.graph.resultInfo", "code": 403, "subcode": 7505, "message": "Declined.", "extra": [1, {"a": null}] },
              "participants": [ { "endpointType": null, "id": null, "identity": { "user": { "id": "u", "tenantId": "t" }, "phone": null } } ],
              "unknownFutureProperty": { "nested": [true, false] }
            }
            """;
        var operation = Read(Encoding.UTF8.GetBytes(answer));
        Assert.Equal("#microsoft.graph.inviteParticipantsOperation", operation.ODataType);
        Assert.Equal("0fe0623f-d628-42ed-b4bd-8ac290072cc5", operation.Id);
        Assert.Equal(OperationStatus.Failed, operation.Status);
        Assert.Equal("f2fa86af-3c51-4bc2-8fc0-475452d9764f", operation.ClientContext);
        Assert.NotNull(operation.ResultInfo);
        Assert.Equal(403, operation.ResultInfo!.Code);
        Assert.Equal(7505, operation.ResultInfo.Subcode);
        Assert.Equal("Declined.", operation.ResultInfo.Message);
        var echoed = Assert.Single(operation.Participants);
        Assert.Equal("u", echoed.Identity.User!.Id);
        Assert.Equal("t", echoed.Identity.User.TenantId);
        Assert.Null(echoed.Identity.Phone);
        Assert.Equal(IdentityKind.User, echoed.Identity.Kind);
    }

    public static IEnumerable<object[]> Answers()
    {
        // The seed's answer (participant: invite, "Response"), with the service's echo of the invitee.
        yield return new object[] { """
            {"@odata.type":"#microsoft.graph.inviteParticipantsOperation","id":"eec3812a-fdc3-4fb4-825c-a06c9f35414e","status":"Running","clientContext":"f2fa86af-3c51-4bc2-8fc0-475452d9764f","resultInfo":null,
             "participants":[{"endpointType":null,"id":null,"replacesCallId":"a7ebfb2d-871e-419c-87af-27290b22e8db","identity":{"user":{"id":"278405a3-f568-4b3e-b684-009193463064","identityProvider":"AAD","tenantId":"72f988bf-86f1-41af-91ab-2d7cd011db47"},"application":null,"device":null,"phone":null}}]}
            """ };

        // Every identity kind and optional field, odd casing, unknown properties.
        yield return new object[] { """
            {"ID":"op","Status":"completed","resultInfo":{"code":200,"subcode":0,"message":"ok","@odata.type":"#microsoft.graph.resultInfo"},
             "participants":[
               {"@odata.type":"#x","Hidden":true,"participantId":"p","removeFromDefaultAudioRoutingGroup":false,"endpointType":"default","id":"1","future":{"a":[1,2]},
                "identity":{"@odata.type":"#s","User":{"@odata.type":"#i","id":"u","displayName":"Ünï \"q\"","identityProvider":"AAD","tenantId":"t","extra":1},
                  "application":{"id":"a"},"applicationInstance":{"id":"ai"},"phone":{"id":"+1"},"guest":{"id":"g"},"device":{"id":"d"},"encrypted":{"id":"e"},"onPremises":{"id":"o"}}},
               {"identity":{"phone":{"id":"+12345678901"}},"hidden":null,"removeFromDefaultAudioRoutingGroup":null},
               {"identity":null}
             ]}
            """ };
        yield return new object[] { """{"id":"op","status":"notStarted","participants":[]}""" };
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public void The_answer_reads_into_what_the_reflection_serializer_would_build(string answer)
    {
        var bytes = Encoding.UTF8.GetBytes(answer);
        var expected = JsonSerializer.Deserialize<InviteParticipantsOperation>(bytes, ReflectionOnly)!;
        var actual = Read(bytes);
        Assert.Equal(JsonSerializer.Serialize(expected, ReflectionOnly), JsonSerializer.Serialize(actual, GraphJsonContext.Default.InviteParticipantsOperation));
    }

    [Fact]
    public void Nulls_read_as_absent()
    {
        var operation = Read("""{"id":null,"status":null,"clientContext":null,"resultInfo":null,"participants":null}"""u8.ToArray());
        Assert.Null(operation.Id);
        Assert.Equal(OperationStatus.Unknown, operation.Status);
        Assert.Null(operation.ResultInfo);
        Assert.Empty(operation.Participants);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"id\":\"a\"")]
    [InlineData("{\"id\":\"a\"} {}")]
    [InlineData("{\"id\":42}")]
    [InlineData("{\"resultInfo\":{\"code\":\"x\"}}")]
    [InlineData("{\"resultInfo\":7}")]
    [InlineData("{\"participants\":{}}")]
    [InlineData("{\"participants\":[7]}")]
    [InlineData("{\"participants\":[{\"hidden\":\"yes\"}]}")]
    [InlineData("{\"participants\":[{\"identity\":{\"user\":\"u\"}}]}")]
    [InlineData("<html>502</html>")]
    public void Malformed_answers_are_json_errors(string answer)
    {
        Assert.ThrowsAny<JsonException>(() => Read(Encoding.UTF8.GetBytes(answer)));
    }
}
