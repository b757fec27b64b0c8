using System;
using System.Collections.Generic;

namespace CommsInvite.Core;

/// <summary>What a connection is, for display: never holds a secret or a token.</summary>
public sealed class GraphContext
{
    /// <summary>The connection's name in its runspace (Connect-CsGraph -Name; "Default" when none was given).</summary>
    public string Name { get; init; } = "Default";

    public string TenantId { get; init; } = string.Empty;
    public string? ClientId { get; init; }
    public CloudEnvironment Environment { get; init; }

    /// <summary>DeviceCode, Interactive (a user signed in), ClientSecret, Certificate or ManagedIdentity (an application).</summary>
    public string AuthType { get; init; } = string.Empty;

    public Uri GraphEndpoint { get; init; } = null!;
    public Uri AuthorityHost { get; init; } = null!;

    /// <summary>The application roles the last token carries (e.g. Calls.InitiateGroupCall.All).</summary>
    public IReadOnlyList<string> Roles { get; init; } = Array.Empty<string>();

    /// <summary>The signed-in user (UPN) of a delegated connection; null for an application.</summary>
    public string? Account { get; init; }

    /// <summary>The delegated permissions (scp) the last token carries; empty for an application.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = Array.Empty<string>();

    /// <summary>True when a user signed in (DeviceCode, Interactive): the calling APIs refuse such a connection.</summary>
    public bool IsDelegated => AuthType is "DeviceCode" or "Interactive";

    public DateTimeOffset TokenExpiresOn { get; init; }

    /// <summary>Set when AuthType is Certificate.</summary>
    public string? CertificateThumbprint { get; init; }

    public DateTimeOffset ConnectedAt { get; init; }

    /// <summary>Set for the emulator: the connection file it came from.</summary>
    public string? EmulatorConnectionFile { get; init; }

    public override string ToString() => Account is null
        ? $"{AuthType} {ClientId} @ {TenantId} ({Environment})"
        : $"{Account} ({AuthType}, client {ClientId}) @ {TenantId} ({Environment})";
}
