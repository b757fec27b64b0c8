using System;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Identity.Client;

namespace CommsInvite.Core.Auth;

/// <summary>
/// The emulator's certificate is self-signed: instead of turning validation off, trust exactly the certificate
/// whose SHA-1 thumbprint the connection file names, and nothing else.
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

/// <summary>Hands MSAL an HttpClient over the pinned handler so token requests to the emulator validate too.</summary>
internal sealed class PinnedMsalHttpClientFactory : IMsalHttpClientFactory, IDisposable
{
    private readonly HttpClient _client;

    public PinnedMsalHttpClientFactory(string pinnedThumbprint)
    {
        _client = new HttpClient(PinnedCertificateHandler.Create(pinnedThumbprint), disposeHandler: true)
        {
            Timeout = TimeSpan.FromSeconds(100),
        };
    }

    public HttpClient GetHttpClient() => _client;

    public void Dispose() => _client.Dispose();
}
