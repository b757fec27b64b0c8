using System;
using System.Collections.Generic;

namespace CommsInvite.Core;

/// <summary>What a connection is, for display: never holds a secret or a token.</summary>
public sealed class GraphContext
{
    public string TenantId { get; init; } = string.Empty;
    public string? ClientId { get; init; }
    public CloudEnvironment Environment { get; init; }

    /// <summary>ClientSecret, Certificate or ManagedIdentity.</summary>
    public string AuthType { get; init; } = string.Empty;

    public Uri GraphEndpoint { get; init; } = null!;
    public Uri AuthorityHost { get; init; } = null!;

    /// <summary>The application roles the last token carries (e.g. Calls.InitiateGroupCall.All).</summary>
    public IReadOnlyList<string> Roles { get; init; } = Array.Empty<string>();

    public DateTimeOffset TokenExpiresOn { get; init; }

    /// <summary>Set when AuthType is Certificate.</summary>
    public string? CertificateThumbprint { get; init; }

    public DateTimeOffset ConnectedAt { get; init; }

    /// <summary>Set for the emulator: the connection file it came from.</summary>
    public string? EmulatorConnectionFile { get; init; }

    public override string ToString() => $"{AuthType} {ClientId} @ {TenantId} ({Environment})";
}
