using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace CommsInvite.Core.Provisioning;

/// <summary>
/// Where application instances (Teams resource accounts) live. There is no public Graph API for them, so two
/// backends exist: the MicrosoftTeams module's cmdlets (the real service) and the emulator's REST surface. The rules
/// that do not depend on the backend (reuse an instance that is already there; retry a sync until the account has
/// replicated) are in <see cref="ApplicationInstanceService"/>, once.
/// </summary>
internal interface IApplicationInstanceStore
{
    /// <summary>For messages: "MicrosoftTeams" or "emulator".</summary>
    string Name { get; }

    /// <summary>
    /// Whether this backend can honour a MicrosoftTeams parameter (e.g. CallbackUri on Sync). Cmdlets ask before any
    /// request and stop with a NotSupported error naming the parameter.
    /// </summary>
    bool Supports(string commandName, string parameterName);

    Task<ApplicationInstance?> TryGetAsync(string identity, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApplicationInstance>> ListAsync(ApplicationInstanceQuery query, CancellationToken cancellationToken);

    Task<ApplicationInstance> CreateAsync(ApplicationInstanceSpec spec, CancellationToken cancellationToken);

    /// <summary>Changes what <paramref name="changes"/> sets; returns the instance as it then is.</summary>
    Task<ApplicationInstance> UpdateAsync(string objectId, ApplicationInstanceChanges changes, CancellationToken cancellationToken);

    /// <summary>One sync attempt; not done (with a suggested wait) while the account has not replicated yet.</summary>
    Task<SyncAttempt> TrySyncAsync(string objectId, ApplicationInstanceSyncRequest request, CancellationToken cancellationToken);
}

/// <summary>Get-CsOnlineApplicationInstance's -Identities / -ResultSize / -Skip.</summary>
internal sealed class ApplicationInstanceQuery
{
    /// <summary>Object ids or UPNs; all instances when empty.</summary>
    public IReadOnlyList<string> Identities { get; set; } = Array.Empty<string>();

    public int? ResultSize { get; set; }

    public int? Skip { get; set; }

    public bool Force { get; set; }
}

/// <summary>New-CsOnlineApplicationInstance.</summary>
internal sealed class ApplicationInstanceSpec
{
    public string UserPrincipalName { get; set; } = string.Empty;

    public string? DisplayName { get; set; }

    public string? ApplicationId { get; set; }

    public bool Force { get; set; }
}

/// <summary>Set-CsOnlineApplicationInstance: null members are left alone.</summary>
internal sealed class ApplicationInstanceChanges
{
    public string? DisplayName { get; set; }

    public string? ApplicationId { get; set; }

    public string? AcsResourceId { get; set; }

    public string? OnpremPhoneNumber { get; set; }

    public bool Force { get; set; }

    public bool IsEmpty => DisplayName is null && ApplicationId is null && AcsResourceId is null && OnpremPhoneNumber is null;
}

/// <summary>Sync-CsOnlineApplicationInstance.</summary>
internal sealed class ApplicationInstanceSyncRequest
{
    public string? ApplicationId { get; set; }

    public string? CallbackUri { get; set; }

    public string? AcsResourceId { get; set; }

    public bool Force { get; set; }
}

/// <summary>The outcome of one sync attempt.</summary>
internal sealed class SyncAttempt
{
    public bool Done { get; init; }

    /// <summary>The synced instance, when the backend returned it.</summary>
    public ApplicationInstance? Instance { get; init; }

    /// <summary>When the backend says to try again (a Retry-After); null to use the default interval.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public string Message { get; init; } = string.Empty;
}
