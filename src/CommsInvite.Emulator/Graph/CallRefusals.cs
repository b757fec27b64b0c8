using System.Text.Json.Nodes;
using CommsInvite.Emulator.Hosting;

namespace CommsInvite.Emulator.Graph;

/// <summary>
/// What the service answers a create-call request from a bot that is not set up to call (docs/emulator.md labels each
/// rule documented, observed or assumed): calling not enabled on the bot channel (7503), a body naming another tenant
/// (7505), a source application instance that belongs to another app (7507).
/// </summary>
internal static class CallRefusals
{
    public static IResult? Check(EmulatorContext context, HttpContext http, JsonObject body, string clientId)
    {
        var state = context.State;
        if (state.Clients.TryGetValue(clientId, out var client) && !client.CallingEnabled)
            return GraphErrors.Result(http, 403, "7503", "Application is not registered in our store.");

        var bodyTenant = body.GetString("tenantId");
        if (!string.IsNullOrEmpty(bodyTenant) && !string.Equals(bodyTenant, state.TenantId, StringComparison.OrdinalIgnoreCase))
            return GraphAuth.TenantMismatch(http);

        if (body.Get("source") is JsonObject source && source.Get("identity") is JsonObject identity
            && identity.Get("applicationInstance") is JsonObject instanceIdentity
            && instanceIdentity.GetString("id") is { } instanceId
            && state.FindApplicationInstance(instanceId) is { } instance)
        {
            string applicationId;
            lock (state.ProvisioningLock) applicationId = instance.ApplicationId;
            if (applicationId.Length > 0 && !string.Equals(applicationId, clientId, StringComparison.OrdinalIgnoreCase))
                return GraphErrors.Result(http, 403, "7507", "Call source identity invalid.");
        }

        return null;
    }
}
