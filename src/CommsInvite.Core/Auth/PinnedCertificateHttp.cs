using System;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;

namespace CommsInvite.Core.Auth;

/// <summary>
/// A private target's certificate is self-signed: instead of turning validation off, trust exactly the certificate
/// whose SHA-1 thumbprint the connection description names, and nothing else.
/// </summary>
internal static class PinnedCertificateHandler
{
    public static HttpClientHandler Create(string pinnedThumbprint)
    {
        var pin = CertificateThumbprint.Normalize(pinnedThumbprint)
            ?? throw new ArgumentException("A thumbprint is required.", nameof(pinnedThumbprint));
        return new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => IsPinned(certificate, pin),
        };
    }

    internal static bool IsPinned(X509Certificate2? certificate, string normalizedPin) =>
        certificate is not null
        && string.Equals(CertificateThumbprint.Normalize(certificate.Thumbprint), normalizedPin, StringComparison.Ordinal);
}

/// <summary>
/// MSAL's HTTP for a private target: token requests go over the pinned certificate, and the instance-metadata
/// (IMDS) managed-identity request MSAL makes when the process has no managed-identity environment is answered by
/// the target's own managed-identity endpoint. Nothing process-wide changes: MSAL instances of other connections,
/// and other modules, never see this routing, and it ends when the connection is disposed.
/// </summary>
internal sealed class ConnectionMsalHttpClientFactory : IMsalHttpClientFactory, IDisposable
{
    private readonly HttpClient _client;

    public ConnectionMsalHttpClientFactory(string pinnedThumbprint, Uri? managedIdentityEndpoint, SecretString? managedIdentityHeader)
    {
        var routing = new ManagedIdentityRoutingHandler(managedIdentityEndpoint, managedIdentityHeader)
        {
            InnerHandler = PinnedCertificateHandler.Create(pinnedThumbprint),
        };
        _client = new HttpClient(routing, disposeHandler: true) { Timeout = TimeSpan.FromSeconds(100) };
    }

    public HttpClient GetHttpClient() => _client;

    public void Dispose() => _client.Dispose();

    /// <summary>Sends MSAL's IMDS token request to the target's managed-identity endpoint instead; refuses other plain-HTTP requests.</summary>
    internal sealed class ManagedIdentityRoutingHandler : DelegatingHandler
    {
        /// <summary>The Azure instance-metadata token endpoint MSAL asks when no managed-identity environment variable is set.</summary>
        internal static readonly Uri ImdsTokenEndpoint = new("http://169.254.169.254/metadata/identity/oauth2/token");

        private readonly Uri? _endpoint;
        private readonly SecretString? _header;

        public ManagedIdentityRoutingHandler(Uri? endpoint, SecretString? header)
        {
            _endpoint = endpoint;
            _header = header;
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            if (Uri.Compare(uri, ImdsTokenEndpoint, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            {
                if (_endpoint is null || _header is null)
                {
                    // ConnectionSettings.Validate refuses this before any request; kept as the last line of defence.
                    throw new HttpRequestException("This connection has no managed-identity endpoint.");
                }

                request.RequestUri = new UriBuilder(_endpoint) { Query = uri.Query.TrimStart('?') }.Uri;
                request.Headers.TryAddWithoutValidation("X-IDENTITY-HEADER", _header.Reveal());
            }
            else if (uri.Scheme != Uri.UriSchemeHttps)
            {
                // Another managed-identity source (environment variables of App Service or Automation in this
                // process): a private connection never sends its token requests to anything but its own hosts.
                throw new HttpRequestException($"This connection sends token requests only to its own HTTPS hosts, not to {uri.GetLeftPart(UriPartial.Authority)}; the process's managed-identity environment points elsewhere.");
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
