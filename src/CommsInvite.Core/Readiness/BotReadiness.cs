using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Auth;
using CommsInvite.Core.Http;
using CommsInvite.Core.Provisioning;

namespace CommsInvite.Core.Readiness;

/// <summary>
/// Checks that a bot can call before it tries: the connection's permissions and tenant, the application instance and
/// its Teams account (v1.0 /admin/teams/userConfigurations), usage location, licences and phone number. Each check
/// reads what it needs; one whose permission the token lacks is Skipped and names the permission. docs/troubleshooting.md
/// lists the checks and the refusals each one prevents.
/// </summary>
internal sealed class BotReadiness
{
    internal const string InitiateGroupCall = "Calls.InitiateGroupCall.All";
    internal const string JoinGroupCall = "Calls.JoinGroupCall.All";
    internal const string UserConfigurationRead = "TeamsUserConfiguration.Read.All";
    private static readonly string[] UserConfigurationPermissions = { UserConfigurationRead };
    private static readonly string[] UserReadPermissions = { "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All" };
    private static readonly string[] NumberReadPermissions = { "TeamsTelephoneNumber.Read.All", "TeamsTelephoneNumber.ReadWrite.All" };

    // Licence SKU ids, as Microsoft publishes them ("Product names and service plan identifiers for licensing").
    private const string PhoneSystemVirtualUser = "440eaaa8-b3e0-484b-a8be-62870b9ba70a";
    private static readonly Dictionary<string, string> PstnSkus = new(StringComparer.OrdinalIgnoreCase)
    {
        ["0dab259f-bf13-4952-b7f8-7db8f131b28d"] = "MCOPSTN1",
        ["d3b4fe1f-9992-4930-8acb-ca6ec609365e"] = "MCOPSTN2",
        ["11dee6af-eca8-419f-8061-6864517c1875"] = "MCOPSTN5",
        ["47794cd0-f0e5-45c5-9033-2eb6b5fc84e0"] = "MCOPSTNC",
    };

    private readonly GraphConnection _connection;
    private readonly IApplicationInstanceStore? _instances;
    private readonly string? _instancesUnavailable;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    /// <param name="instances">Where application instances are read; null when there is none (see <paramref name="instancesUnavailable"/>).</param>
    /// <param name="resolve">DNS look-up of a host name (Dns.GetHostAddressesAsync unless a test gives another).</param>
    public BotReadiness(GraphConnection connection, IApplicationInstanceStore? instances, string? instancesUnavailable, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        _connection = connection;
        _instances = instances;
        _instancesUnavailable = instancesUnavailable;
        _resolve = resolve ?? ((host, _) => Dns.GetHostAddressesAsync(host));
    }

    public async Task<IReadOnlyList<ReadinessCheck>> RunAsync(ReadinessRequest request, CancellationToken cancellationToken)
    {
        var results = new List<ReadinessCheck>();
        var claims = await _connection.GetTokenClaimsAsync(cancellationToken).ConfigureAwait(false);
        var clientId = claims.AppId ?? _connection.Context.ClientId;
        var tokenTenant = claims.TenantId ?? _connection.Context.TenantId;

        results.Add(ConnectionCheck(claims, request));

        // What the later checks read, each once. userConfigurations is keyed by the user's id (documented), so a UPN is
        // turned into the object id first, through the instance or the directory user.
        var instance = await ReadInstanceAsync(request.Identity, cancellationToken).ConfigureAwait(false);
        var objectId = instance.Value?.ObjectId;
        var user = await ReadAsync(claims, UserReadPermissions,
            ct => GetJsonAsync("v1.0", "users/" + Uri.EscapeDataString(objectId ?? request.Identity) + "?$select=id,userPrincipalName,usageLocation,assignedLicenses", ct), cancellationToken).ConfigureAwait(false);
        objectId ??= Text(user.Value, "id");
        var configuration = await ReadAsync(claims, UserConfigurationPermissions,
            ct => GetJsonAsync("v1.0", "admin/teams/userConfigurations/" + Uri.EscapeDataString(objectId ?? request.Identity), ct), cancellationToken).ConfigureAwait(false);
        var numbers = objectId is null
            ? new Read<JsonElement?>(null, null, Missing: true)
            : await ReadAsync(claims, NumberReadPermissions,
                ct => GetJsonAsync("v1.0", "admin/teams/telephoneNumberManagement/numberAssignments?$filter=" + Uri.EscapeDataString("assignmentTargetId eq '" + objectId + "'"), ct), cancellationToken).ConfigureAwait(false);

        results.Add(TenantCheck(tokenTenant, configuration, request));
        results.Add(InstanceCheck(request.Identity, instance, clientId));
        results.Add(AccountTypeCheck(request.Identity, configuration));
        results.Add(UsageLocationCheck(request.Identity, user));
        var numberList = NumberList(numbers.Value);
        results.Add(LicensesCheck(request.Identity, user, numberList));
        results.Add(PhoneNumberCheck(request.Identity, numbers, numberList));
        results.Add(EnterpriseVoiceCheck(request.Identity, configuration));

        if (request.PhoneNumber is not null)
        {
            results.Add(new ReadinessCheck("DialTarget", ReadinessStatus.Passed, $"{request.PhoneNumber} is an E.164 number.", null));
        }

        if (request.Meeting is not null)
        {
            results.Add(MeetingCheck(request, tokenTenant));
        }

        if (request.CallbackUri is not null)
        {
            results.Add(await CallbackCheckAsync(request.CallbackUri, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    // ---- checks ---------------------------------------------------------------------------------------

    private static ReadinessCheck ConnectionCheck(TokenClaims claims, ReadinessRequest request)
    {
        const string Check = "Connection";
        var needed = new List<string> { InitiateGroupCall };
        if (request.Meeting is not null) needed.Add(JoinGroupCall);
        if (!claims.Readable)
        {
            return new ReadinessCheck(Check, ReadinessStatus.Warning, "The token is not a JWT, so its permissions cannot be read.", "Connect with Connect-CsGraph using the bot's app registration (certificate or secret).");
        }

        var consent = $"Entra admin center > App registrations > the bot's app > API permissions: add the application permissions {string.Join(" and ", needed)}, Grant admin consent, then run Connect-CsGraph again.";
        if (!claims.IsAppOnly)
        {
            return new ReadinessCheck(Check, ReadinessStatus.Failed,
                $"Delegated sign-in (scopes: {Join(claims.Scopes)}); the calling APIs accept application permissions only.",
                "Connect-CsGraph -TenantId <tenant> -ClientId <bot app id> -CertificateThumbprint <thumbprint> (app-only), then " + consent);
        }

        var missing = needed.Where(r => !claims.Roles.Contains(r, StringComparer.OrdinalIgnoreCase)).ToArray();
        return missing.Length == 0
            ? new ReadinessCheck(Check, ReadinessStatus.Passed, $"App-only; roles include {string.Join(", ", needed)}.", null)
            : new ReadinessCheck(Check, ReadinessStatus.Failed, $"App-only, but the token lacks {string.Join(", ", missing)} (roles: {Join(claims.Roles)}).", consent);
    }

    private static ReadinessCheck TenantCheck(string tokenTenant, Read<JsonElement?> configuration, ReadinessRequest request)
    {
        const string Check = "Tenant";
        if (configuration.Skipped is { } skipped) return new ReadinessCheck(Check, ReadinessStatus.Skipped, skipped, GrantFix(UserConfigurationRead));
        var instanceTenant = Text(configuration.Value, "tenantId");
        if (configuration.Missing || instanceTenant is null)
        {
            return new ReadinessCheck(Check, ReadinessStatus.Skipped, $"The instance's tenant is unknown: Teams has no configuration for '{request.Identity}' (see AccountType).", null);
        }

        return string.Equals(instanceTenant, tokenTenant, StringComparison.OrdinalIgnoreCase)
            ? new ReadinessCheck(Check, ReadinessStatus.Passed, $"The token and the instance are in tenant {tokenTenant}.", null)
            : new ReadinessCheck(Check, ReadinessStatus.Failed, $"The token is for tenant {tokenTenant}; the instance is in tenant {instanceTenant} (calls would get 7505).",
                $"Connect-CsGraph -TenantId {instanceTenant} with the bot's app, after an admin of that tenant consents to it.");
    }

    private ReadinessCheck InstanceCheck(string identity, Read<ApplicationInstance?> instance, string? clientId)
    {
        const string Check = "Instance";
        if (instance.Skipped is { } skipped) return new ReadinessCheck(Check, ReadinessStatus.Skipped, skipped, "Import-Module MicrosoftTeams; Connect-MicrosoftTeams, then run Test-CsGraphBotReadiness again.");
        if (instance.Value is not { } found)
        {
            return new ReadinessCheck(Check, ReadinessStatus.Failed, $"No application instance '{identity}' was found.",
                $"New-CsOnlineApplicationInstance -UserPrincipalName <upn> -DisplayName <name> -ApplicationId {clientId ?? "<bot app id>"} | Sync-CsOnlineApplicationInstance");
        }

        var what = $"{found.UserPrincipalName} ({found.ObjectId})";
        if (!string.Equals(found.ApplicationId, clientId, StringComparison.OrdinalIgnoreCase))
        {
            return new ReadinessCheck(Check, ReadinessStatus.Failed,
                $"{what} belongs to application {Display(found.ApplicationId)}, not to the connected app {Display(clientId)} (PSTN calls would get 7507).",
                $"Set-CsOnlineApplicationInstance -Identity {found.ObjectId} -ApplicationId {clientId ?? "<bot app id>"}, then Sync-CsOnlineApplicationInstance -ObjectId {found.ObjectId}");
        }

        return found.Synced
            ? new ReadinessCheck(Check, ReadinessStatus.Passed, $"{what}, application {found.ApplicationId}, synced.", null)
            : new ReadinessCheck(Check, ReadinessStatus.Failed, $"{what} is not synced to the calling service yet.", $"Sync-CsOnlineApplicationInstance -ObjectId {found.ObjectId}");
    }

    private static ReadinessCheck AccountTypeCheck(string identity, Read<JsonElement?> configuration)
    {
        const string Check = "AccountType";
        if (configuration.Skipped is { } skipped) return new ReadinessCheck(Check, ReadinessStatus.Skipped, skipped, GrantFix(UserConfigurationRead));
        if (configuration.Missing)
        {
            return new ReadinessCheck(Check, ReadinessStatus.Failed, $"Teams has no user configuration for '{identity}'.",
                "Create the account with New-CsOnlineApplicationInstance (a resource account), then Sync-CsOnlineApplicationInstance.");
        }

        var type = Text(configuration.Value, "accountType");
        return string.Equals(type, "resourceAccount", StringComparison.OrdinalIgnoreCase)
            ? new ReadinessCheck(Check, ReadinessStatus.Passed, "accountType is resourceAccount.", null)
            : new ReadinessCheck(Check, ReadinessStatus.Failed, $"accountType is {Display(type)}, not resourceAccount: a bot calls as an application instance.",
                "New-CsOnlineApplicationInstance -UserPrincipalName <new upn> -ApplicationId <bot app id> creates a resource account; use its object id.");
    }

    private static ReadinessCheck UsageLocationCheck(string identity, Read<JsonElement?> user)
    {
        const string Check = "UsageLocation";
        if (user.Skipped is { } skipped) return new ReadinessCheck(Check, ReadinessStatus.Skipped, skipped, GrantFix(UserReadPermissions[0]));
        if (user.Missing) return new ReadinessCheck(Check, ReadinessStatus.Failed, $"No directory user '{identity}' was found.", "New-CsOnlineApplicationInstance creates the account.");
        var location = Text(user.Value, "usageLocation");
        return string.IsNullOrEmpty(location)
            ? new ReadinessCheck(Check, ReadinessStatus.Failed, "The account has no usage location; licences and Calling Plan numbers need one.",
                $"Set-CsGraphUserLicense -Identity {identity} -UsageLocation US (your country's two-letter code)")
            : new ReadinessCheck(Check, ReadinessStatus.Passed, $"Usage location {location}.", null);
    }

    private static ReadinessCheck LicensesCheck(string identity, Read<JsonElement?> user, IReadOnlyList<NumberFacts> numbers)
    {
        const string Check = "Licenses";
        if (user.Skipped is { } skipped) return new ReadinessCheck(Check, ReadinessStatus.Skipped, skipped, GrantFix(UserReadPermissions[0]));
        if (user.Missing) return new ReadinessCheck(Check, ReadinessStatus.Failed, $"No directory user '{identity}' was found.", "New-CsOnlineApplicationInstance creates the account.");
        var skus = new List<string>();
        if (user.Value is { } u && u.TryGetProperty("assignedLicenses", out var licenses) && licenses.ValueKind == JsonValueKind.Array)
        {
            foreach (var license in licenses.EnumerateArray())
            {
                if (license.TryGetProperty("skuId", out var skuId) && skuId.ValueKind == JsonValueKind.String) skus.Add(skuId.GetString()!);
            }
        }

        var names = skus.Select(s => s.Equals(PhoneSystemVirtualUser, StringComparison.OrdinalIgnoreCase) ? "PHONESYSTEM_VIRTUALUSER" : PstnSkus.TryGetValue(s, out var n) ? n : s).ToArray();
        var held = names.Length == 0 ? "no licences" : "licences " + string.Join(", ", names);
        var virtualUser = skus.Contains(PhoneSystemVirtualUser, StringComparer.OrdinalIgnoreCase);
        var pstn = skus.Any(PstnSkus.ContainsKey);
        // A Calling Plan number needs a Calling Plan or Communications Credits; Direct Routing and Operator Connect numbers do not.
        var needsPstn = numbers.Count == 0 || numbers.Any(n => string.Equals(n.NumberType, "callingPlan", StringComparison.OrdinalIgnoreCase));
        var missing = new List<string>();
        if (!virtualUser) missing.Add("PHONESYSTEM_VIRTUALUSER (Teams Phone Resource Account)");
        if (needsPstn && !pstn) missing.Add("a Calling Plan (MCOPSTN1, MCOPSTN2) or Communications Credits");
        if (missing.Count == 0) return new ReadinessCheck(Check, ReadinessStatus.Passed, $"Has {held}.", null);
        var parts = virtualUser ? "MCOPSTN1" : needsPstn && !pstn ? "PHONESYSTEM_VIRTUALUSER, MCOPSTN1" : "PHONESYSTEM_VIRTUALUSER";
        return new ReadinessCheck(Check, ReadinessStatus.Failed, $"Has {held}; missing {string.Join(" and ", missing)}.",
            $"Set-CsGraphUserLicense -Identity {identity} -SkuPartNumber {parts} -UsageLocation US");
    }

    private static ReadinessCheck PhoneNumberCheck(string identity, Read<JsonElement?> numbers, IReadOnlyList<NumberFacts> list)
    {
        const string Check = "PhoneNumber";
        if (numbers.Skipped is { } skipped) return new ReadinessCheck(Check, ReadinessStatus.Skipped, skipped, GrantFix(NumberReadPermissions[0]));
        var assign = $"Get-CsPhoneNumberAssignment -PstnAssignmentStatus Unassigned -NumberType CallingPlan -Top 1, then Set-CsPhoneNumberAssignment -Identity {identity} -PhoneNumber <number> -PhoneNumberType CallingPlan";
        if (numbers.Missing || list.Count == 0)
        {
            return new ReadinessCheck(Check, ReadinessStatus.Failed, "No phone number is assigned to the instance (PSTN invites would fail with 412#10073).", assign);
        }

        var usable = list.FirstOrDefault(n => n.Activated && n.AllowsResourceAccount);
        if (usable is not null)
        {
            var capabilities = usable.Capabilities is null ? "capabilities not reported" : "capabilities " + string.Join(", ", usable.Capabilities);
            return new ReadinessCheck(Check, ReadinessStatus.Passed, $"{usable.TelephoneNumber} ({usable.NumberType}, {usable.ActivationState}, {capabilities}).", null);
        }

        var first = list[0];
        return !first.Activated
            ? new ReadinessCheck(Check, ReadinessStatus.Failed, $"{first.TelephoneNumber} is {first.ActivationState}, not activated.", "Wait for the activation, or check the number in Teams admin center > Voice > Phone numbers.")
            : new ReadinessCheck(Check, ReadinessStatus.Failed,
                $"{first.TelephoneNumber} is a number whose capabilities ({string.Join(", ", first.Capabilities ?? Array.Empty<string>())}) do not allow a resource account.",
                "Assign a service number (capability voiceApplicationAssignment): Teams admin center > Voice > Phone numbers, then Set-CsPhoneNumberAssignment.");
    }

    private static ReadinessCheck EnterpriseVoiceCheck(string identity, Read<JsonElement?> configuration)
    {
        const string Check = "EnterpriseVoice";
        if (configuration.Skipped is { } skipped) return new ReadinessCheck(Check, ReadinessStatus.Skipped, skipped, GrantFix(UserConfigurationRead));
        if (configuration.Missing) return new ReadinessCheck(Check, ReadinessStatus.Failed, $"Teams has no user configuration for '{identity}'.", "See AccountType.");
        var enabled = configuration.Value is { } c && c.TryGetProperty("isEnterpriseVoiceEnabled", out var ev) && ev.ValueKind == JsonValueKind.True;
        return enabled
            ? new ReadinessCheck(Check, ReadinessStatus.Passed, "isEnterpriseVoiceEnabled is true.", null)
            : new ReadinessCheck(Check, ReadinessStatus.Failed, "isEnterpriseVoiceEnabled is false: the account cannot place PSTN calls.",
                $"Set-CsGraphUserLicense -Identity {identity} -SkuPartNumber PHONESYSTEM_VIRTUALUSER (Teams Phone enables Enterprise Voice)");
    }

    private static ReadinessCheck MeetingCheck(ReadinessRequest request, string tokenTenant)
    {
        const string Check = "Meeting";
        var meeting = request.Meeting!;
        if (meeting.TenantId is null)
        {
            return new ReadinessCheck(Check, ReadinessStatus.Passed, $"The join link parses (meeting {meeting}); it names no tenant.", null);
        }

        return string.Equals(meeting.TenantId, tokenTenant, StringComparison.OrdinalIgnoreCase)
            ? new ReadinessCheck(Check, ReadinessStatus.Passed, $"The join link parses; the meeting is in tenant {meeting.TenantId}, the token's tenant.", null)
            : new ReadinessCheck(Check, ReadinessStatus.Warning,
                $"The meeting is in tenant {meeting.TenantId}; the token is for tenant {tokenTenant} (a join may get 7505).",
                $"Have an admin of tenant {meeting.TenantId} consent to the bot's app, then Connect-CsGraph -TenantId {meeting.TenantId}.");
    }

    private async Task<ReadinessCheck> CallbackCheckAsync(Uri uri, CancellationToken cancellationToken)
    {
        const string Check = "CallbackUri";
        const string Public = "Use an https address on a public host name that resolves in DNS and reaches your bot (a reverse proxy or tunnel in front of a local listener).";
        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            return new ReadinessCheck(Check, ReadinessStatus.Failed, $"{uri.Scheme}:// is not accepted: the service posts notifications over https only.", Public);
        }

        var host = uri.IdnHost;
        if (uri.IsLoopback || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new ReadinessCheck(Check, ReadinessStatus.Failed, $"{host} is a loopback host: the service cannot reach it.", Public);
        }

        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            return new ReadinessCheck(Check, ReadinessStatus.Warning, $"{host} is an IP address: a certificate for it is rare and the address may change.", Public);
        }

        IPAddress[] addresses;
        try
        {
            addresses = await _resolve(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            return new ReadinessCheck(Check, ReadinessStatus.Failed, $"{host} does not resolve in DNS ({ex.SocketErrorCode}).", Public);
        }

        if (addresses.Length == 0) return new ReadinessCheck(Check, ReadinessStatus.Failed, $"{host} does not resolve in DNS.", Public);
        var list = string.Join(", ", addresses.Take(3).Select(a => a.ToString()));
        return addresses.All(IsPrivate)
            ? new ReadinessCheck(Check, ReadinessStatus.Warning, $"{host} resolves only to private or loopback addresses ({list}).", Public)
            : new ReadinessCheck(Check, ReadinessStatus.Passed, $"https on {host}, which resolves ({list}).", null);
    }

    // ---- reading --------------------------------------------------------------------------------------

    /// <summary>A read: the value, or why it was skipped, or that the object does not exist (404).</summary>
    private sealed record Read<T>(T Value, string? Skipped, bool Missing);

    private static async Task<Read<JsonElement?>> ReadAsync(TokenClaims claims, IReadOnlyList<string> permissions, Func<CancellationToken, Task<JsonElement>> read, CancellationToken cancellationToken)
    {
        var skipped = $"Needs {string.Join(" or ", permissions.Take(2))}, which the connection does not hold.";
        if (!claims.MayHold(permissions)) return new Read<JsonElement?>(null, skipped, false);
        try
        {
            return new Read<JsonElement?>(await read(cancellationToken).ConfigureAwait(false), null, false);
        }
        catch (GraphServiceException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return new Read<JsonElement?>(null, null, true);
        }
        catch (GraphServiceException ex) when (ex.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            return new Read<JsonElement?>(null, $"{skipped.Substring(0, skipped.Length - 1)} (the service answered {(int)ex.StatusCode} {ex.GraphCode}).", false);
        }
    }

    private async Task<Read<ApplicationInstance?>> ReadInstanceAsync(string identity, CancellationToken cancellationToken)
    {
        if (_instances is null) return new Read<ApplicationInstance?>(null, _instancesUnavailable ?? "No application-instance backend is available.", false);
        try
        {
            return new Read<ApplicationInstance?>(await _instances.TryGetAsync(identity, cancellationToken).ConfigureAwait(false), null, false);
        }
        catch (GraphServiceException ex) when (ex.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            return new Read<ApplicationInstance?>(null, $"Reading application instances was refused ({(int)ex.StatusCode} {ex.GraphCode}); it needs TeamsAppInstance.ReadWrite.All.", false);
        }
    }

    private async Task<JsonElement> GetJsonAsync(string version, string path, CancellationToken cancellationToken)
    {
        var response = await _connection.Http.SendAsync(new GraphRequest(HttpMethod.Get, _connection.GraphUri(version, path), RequestSafety.Idempotent), cancellationToken).ConfigureAwait(false);
        return response.Parse(content =>
        {
            using var document = JsonDocument.Parse(content);
            return (object)document.RootElement.Clone();
        }) is JsonElement element ? element : default;
    }

    private sealed class NumberFacts
    {
        public string TelephoneNumber { get; init; } = string.Empty;
        public string? NumberType { get; init; }
        public string? ActivationState { get; init; }
        public IReadOnlyList<string>? Capabilities { get; init; }
        public bool Activated => string.Equals(ActivationState, "activated", StringComparison.OrdinalIgnoreCase);

        // Graph lists what a number may be assigned to; a resource account needs voiceApplicationAssignment. A
        // service that does not report capabilities is given the benefit of the doubt.
        public bool AllowsResourceAccount => Capabilities is null || Capabilities.Contains("voiceApplicationAssignment", StringComparer.OrdinalIgnoreCase);
    }

    private static IReadOnlyList<NumberFacts> NumberList(JsonElement? page)
    {
        if (page is not { } p || !p.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array) return Array.Empty<NumberFacts>();
        return value.EnumerateArray().Select(n => new NumberFacts
        {
            TelephoneNumber = Text(n, "telephoneNumber") ?? string.Empty,
            NumberType = Text(n, "numberType"),
            ActivationState = Text(n, "activationState"),
            Capabilities = n.TryGetProperty("capabilities", out var c) && c.ValueKind == JsonValueKind.Array
                ? c.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToArray()
                : null,
        }).ToArray();
    }

    private static string? Text(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool IsPrivate(IPAddress address)
    {
        if (IPAddress.IsLoopback(address)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6) return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal;
        var b = address.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254);
    }

    private static string GrantFix(string permission) =>
        $"Add the permission {permission} to the app (Entra admin center > App registrations > API permissions), Grant admin consent, then run Connect-CsGraph again.";

    private static string Join(IReadOnlyList<string> values) => values.Count == 0 ? "none" : string.Join(", ", values);

    private static string Display(string? value) => string.IsNullOrEmpty(value) ? "(none)" : value!;
}
