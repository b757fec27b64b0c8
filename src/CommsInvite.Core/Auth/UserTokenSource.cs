using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Notifications;
using Microsoft.Identity.Client;

namespace CommsInvite.Core.Auth;

/// <summary>
/// A user's tokens through MSAL's public client: one sign-in (device code, or the system browser with PKCE on a
/// loopback redirect; never the WAM broker), then silent renewal from MSAL's cache for the life of the connection.
/// The cache is in memory and this connection's alone unless -PersistTokenCache keeps it in the platform's secure
/// store (<see cref="PersistentTokenCache"/>); disconnecting removes the account from it either way.
/// </summary>
internal sealed class UserTokenSource : RenewingTokenSource
{
    private const string LoopbackRedirect = "http://localhost";

    private readonly IPublicClientApplication _app;
    private readonly DelegatedCredential _credential;
    private readonly string[] _scopes;
    private readonly string _clientId;
    private readonly ILogSink _log;
    private readonly ConnectionMsalHttpClientFactory? _httpFactory;
    private IAccount? _account;

    public UserTokenSource(ConnectionSettings settings, CloudEndpoints endpoints, DelegatedCredential credential, ILogSink log)
    {
        _credential = credential;
        _clientId = settings.ClientId!;
        _log = log;
        _scopes = credential.QualifiedScopes(endpoints.GraphResource);
        _httpFactory = endpoints.CreateMsalHttpClientFactory();

        var builder = PublicClientApplicationBuilder.Create(settings.ClientId)
            .WithRedirectUri(LoopbackRedirect)
            .WithLogging(LogFromMsal, LogLevel.Warning, enablePiiLogging: false, enableDefaultPlatformLogging: false);
        var authority = new Uri(endpoints.AuthorityHost, Uri.EscapeDataString(settings.TenantId)).AbsoluteUri;
        builder = _httpFactory is not null
            ? builder.WithAuthority(authority, validateAuthority: false).WithInstanceDiscovery(false).WithHttpClientFactory(_httpFactory)
            : builder.WithAuthority(authority, validateAuthority: true);
        _app = builder.Build();
    }

    /// <summary>The signed-in account's user name (UPN), once signed in.</summary>
    public string? Account => _account?.Username;

    /// <summary>Signs the user in: the one step that needs them. Cancelling the token ends the wait (Ctrl+C).</summary>
    public async Task SignInAsync(CancellationToken cancellationToken)
    {
        if (_credential.PersistTokenCache && await PersistentTokenCache.TryAttachAsync(_app.UserTokenCache, _log).ConfigureAwait(false)
            && await TrySignInFromCacheAsync(cancellationToken).ConfigureAwait(false) is { } cached)
        {
            Accept(cached, "from the token cache");
            return;
        }

        AuthenticationResult result;
        try
        {
            if (_credential.Kind == UserSignInKind.DeviceCode)
            {
                result = await _app.AcquireTokenWithDeviceCode(_scopes, code =>
                {
                    _credential.DeviceCodePrompt?.Invoke(code.Message);
                    return Task.CompletedTask;
                }).ExecuteAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                result = await _app.AcquireTokenInteractive(_scopes)
                    .WithUseEmbeddedWebView(false)
                    .WithPrompt(Prompt.SelectAccount)
                    .ExecuteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (MsalException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw TranslateSignIn(ex);
        }
        catch (Exception ex) when (Http.RetryDecisions.IsTransportFailure(ex) || ex is System.Security.Authentication.AuthenticationException)
        {
            throw MsalTokenSource.Unreachable(ex, _httpFactory is not null);
        }

        Accept(result, "(" + _credential.AuthType + ")");
    }

    private void Accept(AuthenticationResult result, string how)
    {
        _account = result.Account;
        Current = new AccessTokenInfo(result.AccessToken, result.ExpiresOn);
        _log.Verbose($"Signed in as {result.Account?.Username} {how}; the token expires {result.ExpiresOn:u}.");
    }

    /// <summary>
    /// A persisted sign-in of this client in this tenant renews silently, so a new session needs no prompt. Anything
    /// the cache cannot do alone (expired refresh token, new scopes to consent) falls through to the prompt.
    /// </summary>
    private async Task<AuthenticationResult?> TrySignInFromCacheAsync(CancellationToken cancellationToken)
    {
        foreach (var account in await _app.GetAccountsAsync().ConfigureAwait(false))
        {
            try
            {
                return await _app.AcquireTokenSilent(_scopes, account).ExecuteAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (MsalUiRequiredException)
            {
                // This account needs the user again: try the next one, then prompt.
            }
            catch (MsalServiceException ex)
            {
                _log.Verbose($"The cached sign-in of {account.Username} could not be renewed ({ex.ErrorCode}); signing in again.");
            }
        }

        return null;
    }

    protected override async Task<AccessTokenInfo> RenewAsync(bool bypassCache, CancellationToken cancellationToken)
    {
        var account = _account ?? throw new CommsInviteException(ErrorIds.Connection.SignInExpired, FailureCategory.AuthenticationError, "This connection has no signed-in account: run Connect-CsGraph again.");
        AuthenticationResult result;
        try
        {
            // The refresh token in MSAL's cache renews the access token without the user.
            result = await _app.AcquireTokenSilent(_scopes, account).WithForceRefresh(bypassCache)
                .ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MsalUiRequiredException ex)
        {
            throw new CommsInviteException(
                ErrorIds.Connection.SignInExpired,
                FailureCategory.AuthenticationError,
                $"The sign-in of {account.Username} can no longer be renewed without the user ({ex.ErrorCode}): run Connect-CsGraph -{_credential.AuthType.Replace("DeviceCode", "UseDeviceCode")} again.",
                account.Username,
                ex);
        }
        catch (MsalException ex)
        {
            throw MsalTokenSource.Translate(ex);
        }
        catch (Exception ex) when (Http.RetryDecisions.IsTransportFailure(ex) || ex is System.Security.Authentication.AuthenticationException)
        {
            throw MsalTokenSource.Unreachable(ex, _httpFactory is not null);
        }

        var token = new AccessTokenInfo(result.AccessToken, result.ExpiresOn);
        _log.Verbose($"Renewed the access token of {account.Username} from {result.AuthenticationResultMetadata?.TokenSource}; it expires {token.ExpiresOn:u}.");
        return token;
    }

    /// <summary>Removes the account (and its refresh token) from MSAL's cache.</summary>
    public async Task SignOutAsync()
    {
        var account = _account;
        _account = null;
        Current = null;

        // Only this connection's account: a persisted cache may hold other sign-ins of the same client.
        foreach (var cached in await _app.GetAccountsAsync().ConfigureAwait(false))
        {
            if (account is null || string.Equals(cached.HomeAccountId?.Identifier, account.HomeAccountId?.Identifier, StringComparison.Ordinal))
            {
                await _app.RemoveAsync(cached).ConfigureAwait(false);
            }
        }

        if (account is not null)
        {
            _log.Verbose($"Removed {account.Username} from the token cache.");
        }
    }

    public override void Dispose()
    {
        _httpFactory?.Dispose();
        base.Dispose();
    }

    private CommsInviteException TranslateSignIn(MsalException ex)
    {
        var code = ex.ErrorCode ?? string.Empty;
        if (code is "code_expired" or "expired_token")
        {
            return new CommsInviteException(
                ErrorIds.Connection.DeviceCodeExpired,
                FailureCategory.OperationTimeout,
                "The device code expired before the sign-in was completed. Run Connect-CsGraph -UseDeviceCode again and enter the new code in time.",
                _clientId,
                ex);
        }

        var consent = code is "access_denied" or "authorization_declined" or "consent_required"
            || ex.Message.IndexOf("AADSTS65001", StringComparison.Ordinal) >= 0
            || ex.Message.IndexOf("AADSTS65004", StringComparison.Ordinal) >= 0
            || ex is MsalUiRequiredException { Classification: UiRequiredExceptionClassification.ConsentRequired };
        if (consent)
        {
            // The service's message names what lacks consent when it can; otherwise every requested scope is a suspect.
            var named = _credential.Scopes.Where(s => ex.Message.IndexOf(s, StringComparison.OrdinalIgnoreCase) >= 0).ToArray();
            var missing = named.Length > 0 ? named : _credential.Scopes.ToArray();
            return new CommsInviteException(
                ErrorIds.Connection.ConsentRequired,
                FailureCategory.PermissionDenied,
                $"Consent was refused or not given for: {string.Join(", ", missing)} (application {_clientId}). An administrator grants it in Entra ID (App registrations > API permissions > Grant admin consent), or sign in again and accept. The service said: {code}: {SafeText.FirstLine(ex.Message)}",
                missing,
                ex);
        }

        if (code == "linux_xdg_open_failed" || code.IndexOf("browser", StringComparison.OrdinalIgnoreCase) >= 0 || code.IndexOf("webview", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            return new CommsInviteException(
                ErrorIds.Connection.BrowserUnavailable,
                FailureCategory.InvalidOperation,
                $"No web browser could be opened here for the sign-in ({code}). Use Connect-CsGraph -UseDeviceCode instead: it shows a code to enter in a browser on any device.",
                _clientId,
                ex);
        }

        return MsalTokenSource.Translate(ex);
    }

    private void LogFromMsal(LogLevel level, string message, bool containsPii)
    {
        if (!containsPii)
        {
            _log.Debug($"MSAL {level}: {message}");
        }
    }
}
