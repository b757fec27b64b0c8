using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;

namespace CommsInvite.Emulator;

/// <summary>A directory user (invitee, licence holder, or the account of an application instance).</summary>
public sealed class DirectoryUser
{
    public required string Id { get; init; }
    public required string UserPrincipalName { get; set; }
    public string DisplayName { get; set; } = "";
    public string? UsageLocation { get; set; }
    /// <summary>Declines every invite (the operation fails with 410/301004).</summary>
    public bool Declines { get; set; }
    /// <summary>Directory roles by display name ("License Administrator"...): what a delegated sign-in may do.</summary>
    public IReadOnlyList<string> Roles { get; set; } = Array.Empty<string>();
    internal List<string> AssignedSkuIds { get; } = new();
    public IReadOnlyList<string> AssignedLicenses { get { lock (AssignedSkuIds) return AssignedSkuIds.ToArray(); } }
}

/// <summary>An application registration that may request tokens.</summary>
public sealed class ClientRegistration
{
    public required string ClientId { get; init; }
    public string? ClientSecret { get; init; }
    public IReadOnlyList<string> Roles { get; init; } = Array.Empty<string>();
    public IReadOnlyList<X509Certificate2> Certificates { get; init; } = Array.Empty<X509Certificate2>();

    /// <summary>Whether calling is enabled on the bot's Teams channel; false makes create call answer 7503.</summary>
    public bool CallingEnabled { get; init; } = true;

    /// <summary>The tenant its tokens are issued in (null: the emulator's own); another tenant's tokens get 7505 on calls routes.</summary>
    public string? TenantId { get; init; }

    /// <summary>"Allow public client flows": users may sign in through it (device code, authorization code).</summary>
    public bool IsPublicClient { get; init; }
    /// <summary>Delegated permissions the tenant has consented to for this client (Graph scope names).</summary>
    public IReadOnlyList<string> DelegatedScopes { get; init; } = Array.Empty<string>();
}

/// <summary>A Teams application instance (resource account).</summary>
public sealed class ApplicationInstance
{
    public required string ObjectId { get; init; }
    public required string UserPrincipalName { get; init; }
    public string DisplayName { get; set; } = "";
    public string ApplicationId { get; set; } = "";
    public string? PhoneNumber { get; set; }
    public bool Synced { get; set; }
    public required DateTimeOffset ReplicatedAt { get; init; }
}

/// <summary>A telephone number the tenant holds.</summary>
public sealed class PhoneNumberRecord
{
    public required string TelephoneNumber { get; init; }
    public required string NumberType { get; init; }
    public string? AssignmentTargetId { get; set; }
    public string? AssignmentCategory { get; set; }
    public string AssignmentStatus { get; set; } = "unassigned";
    public string IsoCountryCode { get; init; } = "US";
    public string CityCode { get; init; } = "";
    public string? LocationId { get; set; }
    public string? NetworkSiteId { get; set; }
    public List<string> ReverseNumberLookup { get; } = new();

    /// <summary>What the number may be assigned to (numberAssignment.capabilities): userAssignment, voiceApplicationAssignment, conferenceAssignment.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = DefaultCapabilities;

    /// <summary>activated, or e.g. assignmentPending / assignmentFailed for a number not yet usable.</summary>
    public string ActivationState { get; set; } = "activated";

    public static readonly IReadOnlyList<string> DefaultCapabilities = new[] { "userAssignment", "voiceApplicationAssignment", "conferenceAssignment" };
}

/// <summary>A subscribed SKU with its seats.</summary>
public sealed class SubscribedSku
{
    public required string SkuId { get; init; }
    public required string SkuPartNumber { get; init; }
    public int Enabled { get; set; }
    public int Consumed { get; set; }
}

/// <summary>A notification the emulator posted (or tried to) to a callback URI.</summary>
public sealed record NotificationRecord(
    string CallId, string CallbackUri, string ChangeType, string Resource, string Body, bool Delivered,
    int? StatusCode, DateTimeOffset SentAt);

/// <summary>An accepted invite POST.</summary>
public sealed record InviteRecord(
    string CallId, string OperationId, IReadOnlyList<string> Participants, string? ClientContext,
    IReadOnlyList<string> DuplicateParticipants, DateTimeOffset ReceivedAt);

/// <summary>A roster entry as tests see it.</summary>
public sealed record RosterEntrySnapshot(
    string ParticipantId, string IdentityKind, string IdentityId, bool Joined, string? OperationId);

/// <summary>An invite operation as tests see it.</summary>
public sealed record OperationSnapshot(
    string Id, string Status, string? ClientContext, int? ResultCode, int? ResultSubcode, string? ResultMessage);

/// <summary>A call as tests see it.</summary>
public sealed record CallSnapshot(
    string Id, string State, bool IsGroupCall, string? CallbackUri, string? SourceApplicationInstanceId,
    IReadOnlyList<RosterEntrySnapshot> Roster, IReadOnlyList<OperationSnapshot> Operations);

/// <summary>The emulator's whole state. Thread safe: concurrent invites into one call are serialised per call.</summary>
public sealed class EmulatorState
{
    internal EmulatorState(EmulatorOptions options, string clientSecret, X509Certificate2 clientCertificate)
    {
        TenantId = options.TenantId;
        Settings = new EmulatorSettings(options);
        AddClient(new ClientRegistration
        {
            ClientId = EmulatorDefaults.ClientId,
            ClientSecret = clientSecret,
            Roles = EmulatorDefaults.DevClientRoles,
            Certificates = new[] { clientCertificate },
        });
        AddClient(new ClientRegistration { ClientId = EmulatorDefaults.ManagedIdentityClientId, Roles = EmulatorDefaults.DevClientRoles });
        AddClient(new ClientRegistration { ClientId = EmulatorDefaults.PublicClientId, IsPublicClient = true, DelegatedScopes = EmulatorDefaults.PublicClientScopes });
        var names = new[] { "Adele Vance", "Alex Wilber", "Megan Bowen", "Lee Gu", "Nestor Wilke", "Lidia Holloway", "Joni Sherman", "Isaiah Langer", "Grady Archie" };
        var ids = EmulatorDefaults.SeedUserIds.Concat(EmulatorDefaults.ExtraUserIds).ToArray();
        for (var i = 0; i < ids.Length; i++)
        {
            var first = names[i].Split(' ')[0].ToLowerInvariant();
            AddUser(new DirectoryUser { Id = ids[i], UserPrincipalName = $"{first}@contoso.onmicrosoft.com", DisplayName = names[i], UsageLocation = "US" });
        }
        AddUser(new DirectoryUser { Id = EmulatorDefaults.DecliningUserId, UserPrincipalName = "busy@contoso.onmicrosoft.com", DisplayName = "Busy Declines", UsageLocation = "US", Declines = true });
        AddUser(new DirectoryUser
        {
            Id = EmulatorDefaults.AdminUserId,
            UserPrincipalName = "admin@contoso.onmicrosoft.com",
            DisplayName = "Tenant Admin",
            UsageLocation = "US",
            Roles = EmulatorDefaults.AdminUserRoles,
        });
        AddSku(EmulatorDefaults.PhoneSystemVirtualUserSkuId, "PHONESYSTEM_VIRTUALUSER", 25);
        AddSku(EmulatorDefaults.Mcopstn1SkuId, "MCOPSTN1", 10);
        AddSku(EmulatorDefaults.Mcopstn2SkuId, "MCOPSTN2", 5);
        AddSku(EmulatorDefaults.McoevSkuId, "MCOEV", 5);
        foreach (var number in EmulatorDefaults.SeedPhoneNumbers)
        {
            Numbers[number] = new PhoneNumberRecord { TelephoneNumber = number, NumberType = "callingPlan", CityCode = number.StartsWith("+1425", StringComparison.Ordinal) ? "Redmond" : "Seattle" };
        }
    }

    public string TenantId { get; }
    public EmulatorSettings Settings { get; }
    public EmulatorStats Stats { get; } = new();

    internal ConcurrentDictionary<string, CallRecord> CallRecords { get; } = new(StringComparer.OrdinalIgnoreCase);
    internal ConcurrentDictionary<string, DirectoryUser> Users { get; } = new(StringComparer.OrdinalIgnoreCase);
    internal ConcurrentDictionary<string, ClientRegistration> Clients { get; } = new(StringComparer.OrdinalIgnoreCase);
    internal ConcurrentDictionary<string, ApplicationInstance> ApplicationInstances { get; } = new(StringComparer.OrdinalIgnoreCase);
    internal ConcurrentDictionary<string, PhoneNumberRecord> Numbers { get; } = new(StringComparer.Ordinal);
    internal ConcurrentDictionary<string, SubscribedSku> Skus { get; } = new(StringComparer.OrdinalIgnoreCase);
    internal ConcurrentDictionary<string, NumberOperation> NumberOperations { get; } = new(StringComparer.OrdinalIgnoreCase);
    internal ConcurrentDictionary<string, Graph.MeetingRecord> Meetings { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Pending device codes, authorization codes and refresh tokens of user sign-ins.</summary>
    internal Identity.SignInStore SignIns { get; } = new();
    /// <summary>Serialises licence, number and instance changes (rare, small).</summary>
    internal object ProvisioningLock { get; } = new();

    private readonly ConcurrentQueue<NotificationRecord> _notifications = new();
    private readonly ConcurrentQueue<InviteRecord> _invites = new();

    /// <summary>Notifications posted so far, in the order they were sent.</summary>
    public IReadOnlyList<NotificationRecord> Notifications => _notifications.ToArray();

    /// <summary>Accepted invite POSTs, in arrival order.</summary>
    public IReadOnlyList<InviteRecord> Invites => _invites.ToArray();

    /// <summary>How many notification records are kept (the oldest are dropped beyond this).</summary>
    public const int MaxNotificationRecords = 10_000;

    internal void RecordNotification(NotificationRecord record)
    {
        _notifications.Enqueue(record);
        while (_notifications.Count > MaxNotificationRecords && _notifications.TryDequeue(out _)) { }
    }
    internal void RecordInvite(InviteRecord record) => _invites.Enqueue(record);

    public void AddUser(DirectoryUser user) => Users[user.Id] = user;

    public DirectoryUser? FindUser(string idOrUpn)
    {
        if (Users.TryGetValue(idOrUpn, out var user)) return user;
        return Users.Values.FirstOrDefault(u => string.Equals(u.UserPrincipalName, idOrUpn, StringComparison.OrdinalIgnoreCase));
    }

    public IReadOnlyList<DirectoryUser> GetUsers() => Users.Values.OrderBy(u => u.UserPrincipalName, StringComparer.OrdinalIgnoreCase).ToArray();

    public void AddClient(ClientRegistration client) => Clients[client.ClientId] = client;

    public ApplicationInstance? FindApplicationInstance(string idOrUpn)
    {
        if (ApplicationInstances.TryGetValue(idOrUpn, out var instance)) return instance;
        return ApplicationInstances.Values.FirstOrDefault(a => string.Equals(a.UserPrincipalName, idOrUpn, StringComparison.OrdinalIgnoreCase));
    }

    public IReadOnlyList<PhoneNumberRecord> GetNumbers() => Numbers.Values.OrderBy(n => n.TelephoneNumber, StringComparer.Ordinal).ToArray();

    public void AddPhoneNumber(string telephoneNumber, string numberType = "callingPlan", IReadOnlyList<string>? capabilities = null, string activationState = "activated") =>
        Numbers.TryAdd(telephoneNumber, new PhoneNumberRecord { TelephoneNumber = telephoneNumber, NumberType = numberType, Capabilities = capabilities ?? PhoneNumberRecord.DefaultCapabilities, ActivationState = activationState });

    public void AddSku(string skuId, string skuPartNumber, int enabled) =>
        Skus[skuId] = new SubscribedSku { SkuId = skuId, SkuPartNumber = skuPartNumber, Enabled = enabled };

    /// <summary>Sets the seats of a SKU (by part number or id); false when the SKU is unknown.</summary>
    public bool SetSkuSeats(string skuPartNumberOrId, int enabled)
    {
        var sku = Skus.Values.FirstOrDefault(s => string.Equals(s.SkuPartNumber, skuPartNumberOrId, StringComparison.OrdinalIgnoreCase)
            || string.Equals(s.SkuId, skuPartNumberOrId, StringComparison.OrdinalIgnoreCase));
        if (sku is null) return false;
        lock (ProvisioningLock) sku.Enabled = enabled;
        return true;
    }

    public IReadOnlyList<SubscribedSku> GetSkus() => Skus.Values.OrderBy(s => s.SkuPartNumber, StringComparer.Ordinal).ToArray();

    public IReadOnlyList<CallSnapshot> GetCalls() => CallRecords.Values.Select(c => c.Snapshot()).OrderBy(c => c.Id, StringComparer.Ordinal).ToArray();

    public CallSnapshot? GetCall(string callId) => CallRecords.TryGetValue(callId, out var call) ? call.Snapshot() : null;

    /// <summary>The roster of a call (bot first), or an empty list for an unknown call.</summary>
    public IReadOnlyList<RosterEntrySnapshot> GetRoster(string callId) => GetCall(callId)?.Roster ?? Array.Empty<RosterEntrySnapshot>();
}
