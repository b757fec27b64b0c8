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
/// app cache serves tokens; <see cref="RenewingTokenSource"/> hands them out and renews them ahead of expiry.
/// </summary>
internal sealed class MsalTokenSource : RenewingTokenSource
{
    private readonly IConfidentialClientApplication? _confidential;
    private readonly IManagedIdentityApplication? _managedIdentity;
    private readonly string _scope;
    private readonly string _resource;
    private readonly ILogSink _log;
    private readonly ConnectionMsalHttpClientFactory? _httpFactory;

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

    protected override async Task<AccessTokenInfo> RenewAsync(bool bypassCache, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        AuthenticationResult result;
        try
        {
            // MSAL keeps managed-identity tokens in one process-wide cache keyed by resource, not by where they came
            // from: a token another connection fetched (from another cloud's or a private endpoint) could be handed
            // back. So this connection's managed-identity tokens always come from its own endpoint, and this source
            // is the cache.
            result = _confidential is not null
                ? await _confidential.AcquireTokenForClient(new[] { _scope }).WithForceRefresh(bypassCache).ExecuteAsync(cancellationToken).ConfigureAwait(false)
                : await _managedIdentity!.AcquireTokenForManagedIdentity(_resource).WithForceRefresh(true).ExecuteAsync(cancellationToken).ConfigureAwait(false);
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
        return token;
    }

    public override void Dispose()
    {
        _httpFactory?.Dispose();
        base.Dispose();
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
