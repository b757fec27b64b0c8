using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace CommsInvite.Emulator.Identity;

/// <summary>What a device code is waiting for.</summary>
internal enum DeviceCodeStatus
{
    Pending,
    Approved,
    Denied,
}

/// <summary>A device code handed out by the devicecode endpoint, until it is redeemed or expires.</summary>
internal sealed class DeviceCodeGrant
{
    public required string DeviceCode { get; init; }
    public required string UserCode { get; init; }
    public required string ClientId { get; init; }
    public required IReadOnlyList<string> Scopes { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public required TimeSpan Interval { get; init; }
    public DeviceCodeStatus Status { get; set; }
    public string? UserId { get; set; }
    public DateTimeOffset? LastPoll { get; set; }
}

/// <summary>An authorization code issued by the authorize endpoint: one use, bound to its client, redirect and PKCE challenge.</summary>
internal sealed record AuthorizationCodeGrant(
    string ClientId, string RedirectUri, IReadOnlyList<string> Scopes, string UserId, string? CodeChallenge, string? CodeChallengeMethod, DateTimeOffset ExpiresAt);

/// <summary>A refresh token: who signed in, through which client, for which scopes.</summary>
internal sealed record RefreshTokenGrant(string ClientId, string UserId, IReadOnlyList<string> Scopes);

/// <summary>The emulator's pending user sign-ins and issued refresh tokens. Thread safe.</summary>
internal sealed class SignInStore
{
    private const string UserCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ23456789";

    private readonly ConcurrentDictionary<string, DeviceCodeGrant> _deviceCodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AuthorizationCodeGrant> _authorizationCodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RefreshTokenGrant> _refreshTokens = new(StringComparer.Ordinal);

    public DeviceCodeGrant AddDeviceCode(string clientId, IReadOnlyList<string> scopes, TimeSpan lifetime, TimeSpan interval)
    {
        var grant = new DeviceCodeGrant
        {
            DeviceCode = RandomToken(),
            UserCode = UserCode(),
            ClientId = clientId,
            Scopes = scopes,
            ExpiresAt = DateTimeOffset.UtcNow + lifetime,
            Interval = interval,
        };
        _deviceCodes[grant.DeviceCode] = grant;
        return grant;
    }

    public DeviceCodeGrant? FindDeviceCode(string deviceCode) => _deviceCodes.TryGetValue(deviceCode, out var grant) ? grant : null;

    public DeviceCodeGrant? FindByUserCode(string userCode) =>
        _deviceCodes.Values.FirstOrDefault(g => string.Equals(g.UserCode, userCode.Trim(), StringComparison.OrdinalIgnoreCase));

    public void RemoveDeviceCode(string deviceCode) => _deviceCodes.TryRemove(deviceCode, out _);

    /// <summary>Codes still waiting for a user, oldest first.</summary>
    public IReadOnlyList<DeviceCodeGrant> PendingDeviceCodes()
    {
        var now = DateTimeOffset.UtcNow;
        return _deviceCodes.Values.Where(g => g.Status == DeviceCodeStatus.Pending && g.ExpiresAt > now).OrderBy(g => g.ExpiresAt).ToArray();
    }

    public string AddAuthorizationCode(AuthorizationCodeGrant grant)
    {
        var code = RandomToken();
        _authorizationCodes[code] = grant;
        return code;
    }

    /// <summary>Takes the code out: a code is good for one redemption, whatever its outcome.</summary>
    public AuthorizationCodeGrant? RedeemAuthorizationCode(string code) => _authorizationCodes.TryRemove(code, out var grant) ? grant : null;

    public string AddRefreshToken(RefreshTokenGrant grant)
    {
        var token = RandomToken();
        _refreshTokens[token] = grant;
        return token;
    }

    public RefreshTokenGrant? FindRefreshToken(string token) => _refreshTokens.TryGetValue(token, out var grant) ? grant : null;

    private static string RandomToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string UserCode()
    {
        Span<char> chars = stackalloc char[9];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = UserCodeAlphabet[RandomNumberGenerator.GetInt32(UserCodeAlphabet.Length)];
        }
        return new string(chars);
    }

    internal static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
