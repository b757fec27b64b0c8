using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.AppConfig;

namespace CommsInvite.Core.Auth;

/// <summary>Gives the HTTP layer a bearer token; forceRefresh skips the cache (after a 401).</summary>
internal interface ITokenSource
{
    Task<AccessTokenInfo> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken);

    /// <summary>The cached token when it is good for a while yet: the per-request path, with no async call.</summary>
    bool TryGetCurrent(out AccessTokenInfo token);
}

/// <summary>
/// Real MSAL: a confidential client (secret or certificate) or a managed-identity application. MSAL's in-memory
/// app cache serves tokens and renews them ahead of expiry; we add a margin of our own so a token never
/// expires between acquisition and use.
/// </summary>
internal sealed class MsalTokenSource : ITokenSource, IDisposable
{
    private static readonly TimeSpan RenewalMargin = TimeSpan.FromMinutes(5);

    private readonly IConfidentialClientApplication? _confidential;
    private readonly IManagedIdentityApplication? _managedIdentity;
    private readonly string _scope;
    private readonly string _resource;
    private readonly ILogSink _log;
    private readonly ConnectionMsalHttpClientFactory? _httpFactory;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AccessTokenInfo? _current;

    public MsalTokenSource(ConnectionSettings settings, CloudEndpoints endpoints, ILogSink log)
    {
        _log = log;
        _scope = endpoints.Scope;
        _resource = endpoints.GraphResource;
        _httpFactory = endpoints.CreateMsalHttpClientFactory();
        switch (settings.Credential)
        {
            case ManagedIdentityCredential mi:
                _managedIdentity = BuildManagedIdentity(mi);
                break;
            case ClientSecretCredential or CertificateCredential:
                _confidential = BuildConfidential(settings, endpoints);
                break;
            default:
                throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "Credential", "Unsupported credential type.");
        }
    }

    public bool TryGetCurrent(out AccessTokenInfo token)
    {
        var current = _current;
        token = current!;
        return IsFresh(current);
    }

    /// <summary>Good for more than the renewal margin: usable without asking MSAL.</summary>
    private static bool IsFresh(AccessTokenInfo? token) =>
        token is not null && token.ExpiresOn - RenewalMargin > DateTimeOffset.UtcNow;

    public async Task<AccessTokenInfo> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        var current = _current;
        if (!forceRefresh && IsFresh(current))
        {
            return current!;
        }

        var seenBeforeWaiting = current;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have renewed it while this one waited: use that one rather than renewing twice.
            current = _current;
            if (!ReferenceEquals(current, seenBeforeWaiting) && IsFresh(current))
            {
                return current!;
            }

            if (!forceRefresh && IsFresh(current))
            {
                return current!;
            }

            var started = DateTimeOffset.UtcNow;
            AuthenticationResult result;
            try
            {
                // Within the renewal margin MSAL's cache would still hand back the old token, so ask for a fresh one.
                // MSAL keeps managed-identity tokens in one process-wide cache keyed by resource, not by where they came
                // from: a token another connection fetched (from another cloud's or a private endpoint) could be handed
                // back. So this connection's managed-identity tokens always come from its own endpoint, and this source
                // is the cache.
                var bypassCache = forceRefresh || current is not null || _managedIdentity is not null;
                result = _confidential is not null
                    ? await _confidential.AcquireTokenForClient(new[] { _scope }).WithForceRefresh(bypassCache).ExecuteAsync(cancellationToken).ConfigureAwait(false)
                    : await _managedIdentity!.AcquireTokenForManagedIdentity(_resource).WithForceRefresh(bypassCache).ExecuteAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (MsalException ex)
            {
                throw Translate(ex);
            }
            catch (Exception ex) when (Http.RetryDecisions.IsTransportFailure(ex) || ex is System.Security.Authentication.AuthenticationException)
            {
                throw Unreachable(ex, _httpFactory is not null);
            }

            var token = new AccessTokenInfo(result.AccessToken, result.ExpiresOn);
            _log.Verbose($"Acquired an access token for {_scope} from {result.AuthenticationResultMetadata?.TokenSource} in {(DateTimeOffset.UtcNow - started).TotalMilliseconds:F0} ms; it expires {token.ExpiresOn:u}.");
            _current = token;
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _httpFactory?.Dispose();
        _gate.Dispose();
    }

    private IConfidentialClientApplication BuildConfidential(ConnectionSettings settings, CloudEndpoints endpoints)
    {
        var builder = ConfidentialClientApplicationBuilder.Create(settings.ClientId)
            .WithLogging(LogFromMsal, LogLevel.Warning, enablePiiLogging: false, enableDefaultPlatformLogging: false);

        var authority = new Uri(endpoints.AuthorityHost, Uri.EscapeDataString(settings.TenantId)).AbsoluteUri;
        if (_httpFactory is not null)
        {
            // A private target (its certificate pinned) is an authority no instance-discovery service knows.
            builder = builder.WithAuthority(authority, validateAuthority: false)
                .WithInstanceDiscovery(false)
                .WithHttpClientFactory(_httpFactory);
        }
        else
        {
            builder = builder.WithAuthority(authority, validateAuthority: true);
        }

        builder = settings.Credential switch
        {
            ClientSecretCredential secret => builder.WithClientSecret(secret.Secret.Reveal()),
            CertificateCredential certificate => builder.WithCertificate(certificate.Certificate, sendX5C: true),
            _ => builder,
        };

        return builder.Build();
    }

    /// <summary>
    /// MSAL picks the managed-identity source from the process's environment (App Service, Automation, Arc...) and
    /// falls back to the instance-metadata endpoint; a private target's HTTP factory answers that last request from
    /// the target's own endpoint (see <see cref="ConnectionMsalHttpClientFactory"/>), so nothing process-wide is set.
    /// </summary>
    private IManagedIdentityApplication BuildManagedIdentity(ManagedIdentityCredential credential)
    {
        var id = credential.ClientId is null
            ? ManagedIdentityId.SystemAssigned
            : ManagedIdentityId.WithUserAssignedClientId(credential.ClientId);
        var builder = ManagedIdentityApplicationBuilder.Create(id)
            .WithLogging(LogFromMsal, LogLevel.Warning, enablePiiLogging: false, enableDefaultPlatformLogging: false);
        if (_httpFactory is not null)
        {
            builder = builder.WithHttpClientFactory(_httpFactory);
        }

        return builder.Build();
    }

    private void LogFromMsal(LogLevel level, string message, bool containsPii)
    {
        if (!containsPii)
        {
            _log.Debug($"MSAL {level}: {message}");
        }
    }

    /// <summary>MSAL lets network and TLS failures through unwrapped.</summary>
    internal static CommsInviteException Unreachable(Exception ex, bool pinned)
    {
        var hint = pinned && Innermost(ex) is System.Security.Authentication.AuthenticationException
            ? " The server's TLS certificate does not match the pinned thumbprint of this connection (for the emulator: is the connection file from the running emulator?)"
            : string.Empty;
        return new CommsInviteException(ErrorIds.Connection.AuthenticationFailed, FailureCategory.ConnectionError, $"Could not reach the token endpoint: {Innermost(ex).Message}{hint}", null, ex);
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    internal static CommsInviteException Translate(MsalException ex)
    {
        var category = ex is MsalServiceException ? FailureCategory.AuthenticationError : FailureCategory.ConnectionError;
        if (ex is MsalClientException && ex.ErrorCode is "managed_identity_request_failed" or "managed_identity_unreachable_network" or "unable_to_detect_managed_identity_source")
        {
            return new CommsInviteException(ErrorIds.Connection.ManagedIdentityUnavailable, FailureCategory.AuthenticationError, $"Managed identity is not available here: {ex.Message}", null, ex);
        }

        var status = ex is MsalServiceException service ? $" (HTTP {service.StatusCode})" : string.Empty;
        return new CommsInviteException(ErrorIds.Connection.AuthenticationFailed, category, $"Authentication failed{status}: {ex.ErrorCode}: {ex.Message}", null, ex);
    }
}
