using System;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Auth;

namespace CommsInvite.Core.Http;

/// <summary>
/// Puts the connection's bearer token on requests to the connection's own Graph host, and on nothing else: a
/// request to any other scheme, host or port (a Location or link a response named, a redirect) goes without an
/// Authorization header. A 401 from Graph renews the token once and sends the request again.
/// </summary>
/// <remarks>
/// It sits below the redirect handler, so every hop of a redirect passes the same check, and it clears a header
/// another layer may have copied onto a request for a foreign host.
/// </remarks>
internal sealed class BearerAuthenticationHandler : DelegatingHandler
{
    private readonly ITokenSource _tokens;
    private readonly Uri _graphHost;
    private readonly RequestStatistics _statistics;
    private readonly ILogSink _log;

    public BearerAuthenticationHandler(ITokenSource tokens, Uri graphEndpoint, RequestStatistics statistics, ILogSink log)
    {
        _tokens = tokens;
        _graphHost = graphEndpoint;
        _statistics = statistics;
        _log = log;
    }

    /// <summary>Same scheme, host and port as the connection's Graph endpoint.</summary>
    internal static bool IsSameHost(Uri? uri, Uri graphEndpoint) =>
        uri is not null
        && uri.IsAbsoluteUri
        && Uri.Compare(uri, graphEndpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!IsSameHost(request.RequestUri, _graphHost))
        {
            request.Headers.Authorization = null;
            _log.Debug($"{request.Method} {request.RequestUri?.GetLeftPart(UriPartial.Authority)}: not this connection's Graph host, sent without the access token.");
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (!_tokens.TryGetCurrent(out var token))
        {
            token = await _tokens.GetTokenAsync(forceRefresh: false, cancellationToken).ConfigureAwait(false);
        }

        request.Headers.Authorization = token.AuthorizationHeader;
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        // An expired or revoked token: a 401 was not processed, so renew the token once and send the request again.
        response.Dispose();
        _statistics.TokenRefresh();
        _statistics.Attempt();
        _log.Debug($"{request.Method} {request.RequestUri!.AbsolutePath} was refused with 401: renewing the access token once.");
        token = await _tokens.GetTokenAsync(forceRefresh: true, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = token.AuthorizationHeader;
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
