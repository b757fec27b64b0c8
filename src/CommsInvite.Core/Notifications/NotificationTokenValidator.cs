using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace CommsInvite.Core.Notifications;

/// <summary>Why a notification's bearer token was refused.</summary>
internal enum TokenRejectionReason
{
    /// <summary>The token is valid.</summary>
    None,
    /// <summary>No Authorization header, or not a Bearer one.</summary>
    Missing,
    /// <summary>Not a JWT, or a JWT without required claims.</summary>
    Malformed,
    /// <summary>alg "none" or no signature.</summary>
    Unsigned,
    /// <summary>Signed, but not by a key the issuer's OpenID configuration publishes (or with an algorithm not allowed).</summary>
    BadSignature,
    WrongIssuer,
    WrongAudience,
    Expired,
    NotYetValid,
    /// <summary>The issuer's keys could not be fetched: not the sender's fault, so the listener answers 503 and Graph retries.</summary>
    KeysUnavailable,
}

/// <summary>The result of validating one notification token. Never carries the token itself.</summary>
internal sealed class NotificationTokenValidationResult
{
    private NotificationTokenValidationResult(TokenRejectionReason reason, string? message, JsonWebToken? token)
    {
        Reason = reason;
        Message = message;
        if (token is not null)
        {
            KeyId = token.Kid;
            Algorithm = token.Alg;
            if (token.TryGetPayloadValue<string>("iss", out var issuer))
            {
                Issuer = issuer;
            }

            Audiences = token.Audiences?.ToArray() ?? Array.Empty<string>();
            if (token.TryGetPayloadValue<long>("exp", out _))
            {
                ExpiresOn = new DateTimeOffset(token.ValidTo, TimeSpan.Zero);
            }
        }
    }

    public bool IsValid => Reason == TokenRejectionReason.None;

    public TokenRejectionReason Reason { get; }

    /// <summary>A human-readable explanation (no token content beyond iss/aud/kid).</summary>
    public string? Message { get; }

    public string? Issuer { get; }

    public IReadOnlyList<string> Audiences { get; } = Array.Empty<string>();

    public string? KeyId { get; }

    public string? Algorithm { get; }

    public DateTimeOffset? ExpiresOn { get; }

    internal static NotificationTokenValidationResult Valid(JsonWebToken token) => new(TokenRejectionReason.None, null, token);

    internal static NotificationTokenValidationResult Reject(TokenRejectionReason reason, string message, JsonWebToken? token = null) =>
        new(reason, message, token);

    public override string ToString() => IsValid ? "Valid" : $"{Reason}: {Message}";
}

/// <summary>Settings for <see cref="NotificationTokenValidator"/>.</summary>
internal sealed class NotificationTokenValidatorOptions
{
    /// <summary>The OpenID configuration Graph's calling platform publishes its notification signing keys through.</summary>
    public static readonly Uri DefaultOpenIdConfigurationUri = new("https://api.aps.skype.com/v1/.well-known/OpenIdConfiguration");

    /// <summary>The issuer of Graph communications notification tokens.</summary>
    public const string DefaultIssuer = "https://api.botframework.com";

    /// <summary>The bot's application (client) id: the audience the tokens must name. Required.</summary>
    public string AppId { get; set; } = string.Empty;

    public IList<string> ValidIssuers { get; set; } = new List<string> { DefaultIssuer };

    public Uri OpenIdConfigurationUri { get; set; } = DefaultOpenIdConfigurationUri;

    /// <summary>Tolerance for clock differences when checking exp and nbf.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long fetched keys are used before they are fetched again regardless.</summary>
    public TimeSpan KeyCacheLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// Time one fetch of the OpenID configuration and keys may take. A refresh that fails or takes longer leaves the
    /// last good keys in use; only without any keys is a notification answered 503 (with Retry-After).
    /// </summary>
    public TimeSpan KeyFetchTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The least time between two fetches caused by an unknown kid, so that forged tokens with random
    /// kids cannot make the validator hammer the issuer.
    /// </summary>
    public TimeSpan MinimumKeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Signature algorithms accepted; asymmetric only, so a published public key can never act as an HMAC secret.</summary>
    public IList<string> ValidAlgorithms { get; set; } = new List<string>
    {
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
    };
}

/// <summary>
/// Validates the bearer token on a Graph notification POST: signature against the keys of the issuer's
/// OpenID configuration, issuer, audience (the bot's app id) and lifetime.
/// </summary>
/// <remarks>
/// The HttpClient is the caller's: it decides TLS trust (e.g. the emulator's certificate pinned by thumbprint)
/// and owns its lifetime. Keys are cached and fetched again once when a token names an unknown kid (key rollover).
/// </remarks>
internal sealed class NotificationTokenValidator : IDisposable
{
    private readonly bool _ownsHttpClient;
    private readonly NotificationTokenValidatorOptions _options;
    private readonly HttpClient _httpClient;
    private readonly KeyDocumentRetriever _documents;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly object _refreshGate = new();
    private KeyCache? _keys;
    private Task<KeyCache>? _refresh;
    private DateTimeOffset _lastAttempt = DateTimeOffset.MinValue;
    private volatile string? _lastFailure;
    private long _keyFetchCount;

    /// <param name="options">What a valid token looks like and where the keys are.</param>
    /// <param name="httpClient">Fetches the OpenID configuration and keys; its handler decides TLS trust.</param>
    /// <param name="ownsHttpClient">Whether <see cref="Dispose"/> disposes <paramref name="httpClient"/>.</param>
    public NotificationTokenValidator(NotificationTokenValidatorOptions options, HttpClient httpClient, bool ownsHttpClient = false)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _httpClient = httpClient ?? throw new ArgumentNullException(nameof(httpClient));
        _ownsHttpClient = ownsHttpClient;
        if (string.IsNullOrWhiteSpace(options.AppId))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, nameof(options.AppId),
                "The bot's application id (the audience of notification tokens) is required.");
        }

        if (options.ValidIssuers is null || options.ValidIssuers.Count == 0 || options.ValidIssuers.Any(string.IsNullOrWhiteSpace))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, nameof(options.ValidIssuers),
                "At least one notification token issuer is required, and none may be empty.");
        }

        if (options.OpenIdConfigurationUri is null || !options.OpenIdConfigurationUri.IsAbsoluteUri ||
            !(options.OpenIdConfigurationUri.Scheme == Uri.UriSchemeHttps ||
              (options.OpenIdConfigurationUri.Scheme == Uri.UriSchemeHttp && options.OpenIdConfigurationUri.IsLoopback)))
        {
            // Keys fetched over plain HTTP from anywhere but this machine could be swapped by anyone on the path.
            throw new CommsValidationException(ErrorIds.Input.InvalidUri, nameof(options.OpenIdConfigurationUri),
                $"The OpenID configuration address must be an absolute https URI (http only on loopback); got '{options.OpenIdConfigurationUri}'.",
                options.OpenIdConfigurationUri);
        }

        _documents = new KeyDocumentRetriever(options.OpenIdConfigurationUri, httpClient);

        if (options.KeyFetchTimeout <= TimeSpan.Zero || options.KeyFetchTimeout > TimeSpan.FromMinutes(5))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, nameof(options.KeyFetchTimeout),
                $"The key fetch timeout must be between 0 and 5 minutes; got {options.KeyFetchTimeout}.", options.KeyFetchTimeout);
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(10))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, nameof(options.ClockSkew),
                $"The clock skew must be between 0 and 10 minutes; got {options.ClockSkew}.", options.ClockSkew);
        }
    }

    public void Dispose()
    {
        if (_ownsHttpClient)
        {
            _httpClient.Dispose();
        }
    }

    public NotificationTokenValidatorOptions Options => _options;

    /// <summary>How many times the OpenID configuration and keys were fetched (for diagnostics and tests).</summary>
    public long KeyFetchCount => Interlocked.Read(ref _keyFetchCount);

    /// <summary>Validates the value of an Authorization header ("Bearer &lt;jwt&gt;").</summary>
    public Task<NotificationTokenValidationResult> ValidateAuthorizationHeaderAsync(
        string? authorizationHeader, CancellationToken cancellationToken = default)
    {
        const string scheme = "Bearer ";
        if (string.IsNullOrWhiteSpace(authorizationHeader))
        {
            return Task.FromResult(NotificationTokenValidationResult.Reject(
                TokenRejectionReason.Missing, "The request has no Authorization header."));
        }

        var header = authorizationHeader!.Trim();
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length == scheme.Length)
        {
            return Task.FromResult(NotificationTokenValidationResult.Reject(
                TokenRejectionReason.Missing, "The Authorization header does not carry a Bearer token."));
        }

        return ValidateTokenAsync(header.Substring(scheme.Length).Trim(), cancellationToken);
    }

    /// <summary>Validates a compact JWT.</summary>
    public async Task<NotificationTokenValidationResult> ValidateTokenAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return NotificationTokenValidationResult.Reject(TokenRejectionReason.Missing, "No bearer token was sent.");
        }

        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException || ex is SecurityTokenMalformedException || ex is JsonException)
        {
            return NotificationTokenValidationResult.Reject(TokenRejectionReason.Malformed, "The bearer token is not a well-formed JWT.");
        }

        if (jwt.IsEncrypted)
        {
            return NotificationTokenValidationResult.Reject(TokenRejectionReason.Malformed, "The bearer token is encrypted (JWE), not a signed JWT.", jwt);
        }

        if (string.IsNullOrEmpty(jwt.Alg) || string.Equals(jwt.Alg, "none", StringComparison.OrdinalIgnoreCase) ||
            string.IsNullOrEmpty(jwt.EncodedSignature))
        {
            return NotificationTokenValidationResult.Reject(TokenRejectionReason.Unsigned, "The bearer token is not signed (alg none).", jwt);
        }

        KeyCache keys;
        try
        {
            keys = await GetKeysAsync(forceRefresh: false, cancellationToken).ConfigureAwait(false);
            var kid = string.IsNullOrEmpty(jwt.Kid) ? jwt.X5t : jwt.Kid;
            if (!string.IsNullOrEmpty(kid) && !keys.HasKey(kid!))
            {
                // Key rollover: the issuer may have published a key since the last fetch.
                keys = await GetKeysAsync(forceRefresh: true, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return NotificationTokenValidationResult.Reject(
                TokenRejectionReason.KeysUnavailable,
                $"The signing keys could not be read from {_options.OpenIdConfigurationUri}: {ex.GetType().Name}: {ex.Message}",
                jwt);
        }

        // The signature is checked before any claim is judged: an unsigned or forged token is BadSignature,
        // whatever its issuer or audience claim to be.
        var signatureOnly = new TokenValidationParameters
        {
            IssuerSigningKeys = keys.Keys,
            ValidAlgorithms = _options.ValidAlgorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = false,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            ValidateIssuerSigningKey = false,
        };
        var signed = await _handler.ValidateTokenAsync(jwt, signatureOnly).ConfigureAwait(false);
        if (!signed.IsValid)
        {
            var (signatureReason, signatureMessage) = Classify(signed.Exception, jwt);
            if (signatureReason != TokenRejectionReason.Malformed)
            {
                signatureReason = TokenRejectionReason.BadSignature;
            }

            return NotificationTokenValidationResult.Reject(signatureReason, signatureMessage, jwt);
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuers = _options.ValidIssuers,
            ValidAudience = _options.AppId,
            IssuerSigningKeys = keys.Keys,
            // The signature was verified just above; the claims pass does not repeat the RSA work.
            SignatureValidator = (_, _) => jwt,
            ValidAlgorithms = _options.ValidAlgorithms,
            ClockSkew = _options.ClockSkew,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            // Keys come from the issuer's own configuration over the caller's HttpClient; there is no chain to check.
            ValidateIssuerSigningKey = false,
        };

        var result = await _handler.ValidateTokenAsync(jwt, parameters).ConfigureAwait(false);
        if (result.IsValid)
        {
            return NotificationTokenValidationResult.Valid(jwt);
        }

        var (reason, message) = Classify(result.Exception, jwt);
        return NotificationTokenValidationResult.Reject(reason, message, jwt);
    }

    /// <summary>Fetches the OpenID configuration and keys now (e.g. at listener start, to fail early).</summary>
    public async Task RefreshKeysAsync(CancellationToken cancellationToken = default) =>
        await GetKeysAsync(forceRefresh: true, cancellationToken, ignoreMinimumInterval: true).ConfigureAwait(false);

    private (TokenRejectionReason, string) Classify(Exception? exception, JsonWebToken jwt) => exception switch
    {
        SecurityTokenExpiredException => (TokenRejectionReason.Expired, $"The bearer token expired at {jwt.ValidTo:u}."),
        SecurityTokenNotYetValidException => (TokenRejectionReason.NotYetValid, $"The bearer token is not valid before {jwt.ValidFrom:u}."),
        SecurityTokenNoExpirationException => (TokenRejectionReason.Malformed, "The bearer token has no expiry (exp)."),
        SecurityTokenInvalidLifetimeException => (TokenRejectionReason.Malformed, "The bearer token's lifetime is inconsistent (nbf after exp)."),
        SecurityTokenInvalidAudienceException => (TokenRejectionReason.WrongAudience,
            $"The bearer token is for audience '{SafeText.Escape(string.Join(", ", jwt.Audiences))}', not this application ('{_options.AppId}')."),
        SecurityTokenInvalidIssuerException => (TokenRejectionReason.WrongIssuer,
            $"The bearer token was issued by '{(jwt.TryGetPayloadValue<string>("iss", out var iss) ? SafeText.Escape(iss) : "(none)")}', not by {string.Join(" or ", _options.ValidIssuers)}."),
        SecurityTokenInvalidAlgorithmException => (TokenRejectionReason.BadSignature, $"The bearer token's algorithm '{SafeText.Escape(jwt.Alg)}' is not accepted."),
        SecurityTokenSignatureKeyNotFoundException => (TokenRejectionReason.BadSignature,
            $"The bearer token is signed with a key ('{SafeText.Escape(jwt.Kid)}') the issuer does not publish."),
        SecurityTokenInvalidSignatureException => (TokenRejectionReason.BadSignature, "The bearer token's signature does not verify."),
        SecurityTokenMalformedException => (TokenRejectionReason.Malformed, "The bearer token is not a well-formed JWT."),
        _ => (TokenRejectionReason.BadSignature, $"The bearer token was rejected ({exception?.GetType().Name ?? "unknown reason"})."),
    };

    /// <summary>
    /// The keys to check a token with. Fresh cached keys are used as they are; stale ones are still used while a
    /// refresh runs in the background, so a hanging issuer never holds a notification up once keys were had. Only
    /// without any keys (or at start) does a caller wait for a fetch, and a fetch never takes longer than
    /// <see cref="NotificationTokenValidatorOptions.KeyFetchTimeout"/>.
    /// </summary>
    private async Task<KeyCache> GetKeysAsync(bool forceRefresh, CancellationToken cancellationToken, bool ignoreMinimumInterval = false)
    {
        var current = Volatile.Read(ref _keys);
        var stale = current is null || current.IsStale(_options.KeyCacheLifetime);
        if (!stale && !forceRefresh && !ignoreMinimumInterval)
        {
            return current!;
        }

        var refresh = StartRefresh(ignoreMinimumInterval);
        if (current is null || ignoreMinimumInterval)
        {
            if (refresh is null)
            {
                var failure = _lastFailure ?? "unknown reason";
                throw new InvalidOperationException(
                    $"the last attempt failed ({failure}); retrying after {_options.MinimumKeyRefreshInterval}.");
            }

            return await WaitAsync(refresh, cancellationToken).ConfigureAwait(false);
        }

        if (!forceRefresh || refresh is null)
        {
            // Stale keys stay in use while the refresh runs; a rollover is picked up when it lands.
            return current;
        }

        // A kid we do not know: the issuer may have rolled its keys, so wait (bounded) for the refresh.
        try
        {
            return await WaitAsync(refresh, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return current;
        }
    }

    /// <summary>The refresh in flight, or a new one; null when the last attempt was too recent.</summary>
    private Task<KeyCache>? StartRefresh(bool ignoreMinimumInterval)
    {
        lock (_refreshGate)
        {
            if (_refresh is { IsCompleted: false } running)
            {
                return running;
            }

            var now = DateTimeOffset.UtcNow;
            if (!ignoreMinimumInterval && now - _lastAttempt < _options.MinimumKeyRefreshInterval)
            {
                return null;
            }

            _lastAttempt = now;
            var refresh = RefreshAsync();
            // A background refresh nobody awaits must not surface as an unobserved exception.
            _ = refresh.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            _refresh = refresh;
            return refresh;
        }
    }

    private async Task<KeyCache> RefreshAsync()
    {
        using var timeout = new CancellationTokenSource(_options.KeyFetchTimeout);
        try
        {
            var fetched = await FetchKeysAsync(timeout.Token).ConfigureAwait(false);
            Volatile.Write(ref _keys, fetched);
            _lastFailure = null;
            return fetched;
        }
        catch (Exception) when (timeout.IsCancellationRequested)
        {
            _lastFailure = $"no answer within {_options.KeyFetchTimeout.TotalSeconds:0.#} s";
            throw new TimeoutException($"{_options.OpenIdConfigurationUri} did not answer within {_options.KeyFetchTimeout.TotalSeconds:0.#} s.");
        }
        catch (Exception ex)
        {
            _lastFailure = ex.Message;
            throw;
        }
    }

    private static async Task<KeyCache> WaitAsync(Task<KeyCache> refresh, CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled && !refresh.IsCompleted)
        {
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
            {
                await Task.WhenAny(refresh, cancelled.Task).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        return await refresh.ConfigureAwait(false);
    }

    private async Task<KeyCache> FetchKeysAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _keyFetchCount);
        OpenIdConnectConfiguration configuration;
        try
        {
            // The library reads the OpenID configuration, then its jwks_uri, through the retriever (HTTPS only).
            configuration = await OpenIdConnectConfigurationRetriever.GetAsync(
                _options.OpenIdConfigurationUri.AbsoluteUri, _documents, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (ex.Data.Contains(HttpDocumentRetriever.StatusCode))
        {
            // The library hides addresses and bodies in its messages; the status is what an operator needs.
            throw new HttpRequestException(
                $"the issuer answered {(int)(HttpStatusCode)ex.Data[HttpDocumentRetriever.StatusCode]!} {ex.Data[HttpDocumentRetriever.StatusCode]}.", ex);
        }

        if (string.IsNullOrEmpty(configuration.JwksUri))
        {
            throw new InvalidOperationException("the OpenID configuration has no jwks_uri.");
        }

        var keys = configuration.SigningKeys.ToList();
        if (keys.Count == 0)
        {
            throw new InvalidOperationException("the key set publishes no signing keys.");
        }

        var keyIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in configuration.JsonWebKeySet?.Keys ?? (IList<JsonWebKey>)Array.Empty<JsonWebKey>())
        {
            if (!string.IsNullOrEmpty(key.Kid))
            {
                keyIds.Add(key.Kid);
            }

            if (!string.IsNullOrEmpty(key.X5t))
            {
                keyIds.Add(key.X5t);
            }
        }

        return new KeyCache(keys, keyIds, DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// The library's HTTP retriever (HTTPS required; plain HTTP only when the configuration itself is on loopback)
    /// over the caller's HttpClient, which decides TLS trust. It refuses a jwks_uri that is not HTTPS (or loopback)
    /// with a message that says so, since the library's own message hides the address.
    /// </summary>
    private sealed class KeyDocumentRetriever : IDocumentRetriever
    {
        private readonly Uri _configurationUri;
        private readonly HttpDocumentRetriever _inner;

        public KeyDocumentRetriever(Uri configurationUri, HttpClient httpClient)
        {
            _configurationUri = configurationUri;
            _inner = new HttpDocumentRetriever(httpClient) { RequireHttps = configurationUri.Scheme == Uri.UriSchemeHttps };
        }

        public Task<string> GetDocumentAsync(string address, CancellationToken cancel)
        {
            if (Uri.TryCreate(_configurationUri, address, out var uri) && uri != _configurationUri &&
                !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback && !_inner.RequireHttps)))
            {
                // Keys fetched over plain HTTP could be swapped by anyone on the path (loopback is the emulator's case).
                throw new InvalidOperationException($"the OpenID configuration's jwks_uri is not https ({SafeText.Escape(uri.Scheme)}).");
            }

            return WithinAsync(_inner.GetDocumentAsync(address, cancel), cancel);
        }

        /// <summary>
        /// The library's retriever does not stop a response whose body never arrives when its token is cancelled, so
        /// the fetch is abandoned here instead (its eventual failure observed), keeping the key fetch timeout a bound.
        /// </summary>
        private static async Task<string> WithinAsync(Task<string> fetch, CancellationToken cancel)
        {
            if (!cancel.CanBeCanceled || fetch.IsCompleted)
            {
                return await fetch.ConfigureAwait(false);
            }

            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancel.Register(() => cancelled.TrySetResult(true)))
            {
                if (await Task.WhenAny(fetch, cancelled.Task).ConfigureAwait(false) != fetch)
                {
                    _ = fetch.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                    throw new OperationCanceledException(cancel);
                }
            }

            return await fetch.ConfigureAwait(false);
        }
    }

    private sealed class KeyCache
    {
        private readonly HashSet<string> _keyIds;

        public KeyCache(IList<SecurityKey> keys, HashSet<string> keyIds, DateTimeOffset fetchedAt)
        {
            Keys = keys;
            _keyIds = keyIds;
            FetchedAt = fetchedAt;
        }

        public IList<SecurityKey> Keys { get; }

        public DateTimeOffset FetchedAt { get; }

        public bool HasKey(string keyId) => _keyIds.Contains(keyId);

        public bool IsStale(TimeSpan lifetime) => DateTimeOffset.UtcNow - FetchedAt > lifetime;
    }
}
