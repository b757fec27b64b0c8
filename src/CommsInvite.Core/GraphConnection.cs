using System;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Auth;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Http;
using CommsInvite.Core.Provisioning;

namespace CommsInvite.Core;

/// <summary>An authenticated connection to Graph: the entry point to every client.</summary>
internal sealed class GraphConnection : IDisposable
{
    private readonly ITokenSource _tokens;
    private readonly GraphHttpClient _http;
    private readonly ConnectionSettings _settings;
    private GraphContext _context;
    private string? _graphBase;

    private GraphConnection(ConnectionSettings settings, CloudEndpoints endpoints, ITokenSource tokens, GraphHttpClient http, GraphContext context, ILogSink log)
    {
        _settings = settings;
        Endpoints = endpoints;
        _tokens = tokens;
        _http = http;
        _context = context;
        Log = log;
        Calls = new CallsClient(this);
        Licenses = new LicenseClient(this);
        Numbers = new NumberAssignmentClient(this);
        ApplicationInstances = new ApplicationInstanceClient(this);
    }

    /// <summary>What this connection is (refreshed with each new token); never holds a secret.</summary>
    public GraphContext Context => _context;

    public CloudEndpoints Endpoints { get; }

    /// <summary>Where this connection's bearer tokens come from (the HTTP layer's source; internal to the core).</summary>
    internal ITokenSource Tokens => _tokens;

    public CallsClient Calls { get; }

    public LicenseClient Licenses { get; }

    public NumberAssignmentClient Numbers { get; }

    public ApplicationInstanceClient ApplicationInstances { get; }

    /// <summary>Request counters (retries, ambiguous failures...), for diagnostics.</summary>
    public RequestStatistics Statistics => _http.Statistics;

    public RetryPolicy RetryPolicy => _settings.RetryPolicy;

    internal ILogSink Log { get; }

    internal GraphHttpClient Http => _http;

    /// <summary>Validates the settings, builds MSAL and the HTTP pipeline, and acquires a first token (so bad credentials fail here).</summary>
    public static async Task<GraphConnection> ConnectAsync(ConnectionSettings settings, ILogSink? log = null, CancellationToken cancellationToken = default)
    {
        if (settings is null)
        {
            throw new ArgumentNullException(nameof(settings));
        }

        log ??= NullLogSink.Instance;
        settings.Validate();
        var endpoints = settings.Endpoints;

        ITokenSource tokens = settings.Credential is DelegatedCredential delegated
            ? new UserTokenSource(settings, endpoints, delegated, log)
            : new MsalTokenSource(settings, endpoints, log);
        GraphHttpClient? http = null;
        try
        {
            if (tokens is UserTokenSource user)
            {
                log.Verbose($"Signing in to {endpoints.AuthorityHost} ({settings.Credential!.AuthType}, tenant {Display(settings.TenantId)}, client {Display(settings.ClientId)}).");
                await user.SignInAsync(cancellationToken).ConfigureAwait(false);
            }

            var statistics = new RequestStatistics();
            http = new GraphHttpClient(GraphPipeline.Create(endpoints, tokens, settings.RetryPolicy, settings.RequestTimeout, statistics, log), statistics);

            log.Verbose($"Connecting to {endpoints.GraphEndpoint} as {settings.Credential!.AuthType} (tenant {Display(settings.TenantId)}, client {Display(settings.ClientId)}).");
            var token = await tokens.GetTokenAsync(forceRefresh: false, cancellationToken).ConfigureAwait(false);
            var context = BuildContext(settings, endpoints, token);
            return new GraphConnection(settings, endpoints, tokens, http, context, log);
        }
        catch
        {
            http?.Dispose();
            ((IDisposable)tokens).Dispose();
            throw;
        }
    }

    /// <summary>Gets a token (from cache or renewed) and refreshes <see cref="Context"/> from it.</summary>
    public async Task<GraphContext> RefreshContextAsync(bool forceRefresh = false, CancellationToken cancellationToken = default)
    {
        var token = await _tokens.GetTokenAsync(forceRefresh, cancellationToken).ConfigureAwait(false);
        _context = BuildContext(_settings, Endpoints, token);
        return _context;
    }

    /// <summary>The current token's claims (the token cached or renewed); the token itself is never shown or logged.</summary>
    internal async Task<TokenClaims> GetTokenClaimsAsync(CancellationToken cancellationToken = default) =>
        (await _tokens.GetTokenAsync(forceRefresh: false, cancellationToken).ConfigureAwait(false)).Claims;

    /// <summary>An absolute Graph URI for "v1.0/..." or "beta/...".</summary>
    /// <remarks>
    /// Plain concatenation onto the endpoint (which ends in '/'): resolving a relative Uri against a base costs
    /// several microseconds per request, which is noticeable on a path that sends thousands of invites.
    /// </remarks>
    internal Uri GraphUri(string apiVersion, string relativePath) =>
        new(GraphBase + apiVersion + "/" + relativePath.TrimStart('/'));

    private string GraphBase => _graphBase ??= CloudEndpoints.EnsureTrailingSlash(Endpoints.GraphEndpoint).AbsoluteUri;

    /// <summary>The name this connection goes by in its runspace.</summary>
    public string Name => _settings.Name;

    /// <summary>Forgets a signed-in user's account and tokens (MSAL's cache); nothing to do for an application.</summary>
    public Task SignOutAsync() => _tokens is UserTokenSource user ? user.SignOutAsync() : Task.CompletedTask;

    public void Dispose()
    {
        _http.Dispose();
        ((IDisposable)_tokens).Dispose();
    }

    private static GraphContext BuildContext(ConnectionSettings settings, CloudEndpoints endpoints, AccessTokenInfo token)
    {
        string? tenant = settings.TenantId;
        string? client = settings.ClientId;
        try
        {
            var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token.Token);
            if (jwt.TryGetPayloadValue<string>("tid", out var tid) && !string.IsNullOrEmpty(tid))
            {
                tenant = tid;
            }

            if (string.IsNullOrEmpty(client) && jwt.TryGetPayloadValue<string>("appid", out var appid))
            {
                client = appid;
            }
        }
        catch (ArgumentException)
        {
            // Opaque token: keep what the settings say.
        }

        return new GraphContext
        {
            Name = settings.Name,
            Account = token.Account,
            Scopes = token.Scopes,
            TenantId = tenant ?? string.Empty,
            ClientId = client,
            Environment = settings.Environment,
            AuthType = settings.Credential!.AuthType,
            GraphEndpoint = endpoints.GraphEndpoint,
            AuthorityHost = endpoints.AuthorityHost,
            Roles = token.Roles,
            TokenExpiresOn = token.ExpiresOn,
            CertificateThumbprint = (settings.Credential as CertificateCredential)?.Thumbprint,
            ConnectedAt = DateTimeOffset.UtcNow,
            EmulatorConnectionFile = endpoints.SourcePath,
        };
    }

    private static string Display(string? value) => string.IsNullOrWhiteSpace(value) ? "-" : value!;
}
