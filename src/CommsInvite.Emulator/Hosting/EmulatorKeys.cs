using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace CommsInvite.Emulator.Hosting;

/// <summary>Every key the emulator uses, generated in memory at start and never written in clear.</summary>
internal sealed class EmulatorKeys : IDisposable
{
    private EmulatorKeys(X509Certificate2 tls, X509Certificate2 client, RSA tokenRsa, RSA notificationRsa)
    {
        TlsCertificate = tls;
        ClientCertificate = client;
        TokenRsa = tokenRsa;
        NotificationRsa = notificationRsa;
        TokenSigningKey = new RsaSecurityKey(tokenRsa) { KeyId = KeyIdOf(tokenRsa) };
        NotificationSigningKey = new RsaSecurityKey(notificationRsa) { KeyId = KeyIdOf(notificationRsa) };
    }

    /// <summary>The HTTPS server certificate (SAN 127.0.0.1 and localhost).</summary>
    public X509Certificate2 TlsCertificate { get; }

    /// <summary>A client certificate registered for the development client (certificate credentials).</summary>
    public X509Certificate2 ClientCertificate { get; }

    private RSA TokenRsa { get; }
    private RSA NotificationRsa { get; }

    /// <summary>Signs access tokens (published at /{tenant}/discovery/v2.0/keys).</summary>
    public RsaSecurityKey TokenSigningKey { get; }

    /// <summary>Signs notification bearer tokens (published at /aps/v1/keys).</summary>
    public RsaSecurityKey NotificationSigningKey { get; }

    public string TlsThumbprint => TlsCertificate.Thumbprint;

    public static EmulatorKeys Create() =>
        new(CreateTlsCertificate(), CreateClientCertificate(), RSA.Create(2048), RSA.Create(2048));

    /// <summary>Exports the client certificate with its key as a PFX protected by <paramref name="password"/>.</summary>
    public byte[] ExportClientPfx(string password) => ClientCertificate.Export(X509ContentType.Pfx, password);

    public static JsonWebKey PublicJwk(RsaSecurityKey key)
    {
        var parameters = key.Rsa.ExportParameters(false);
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(parameters) { KeyId = key.KeyId });
        jwk.Use = "sig";
        jwk.Alg = SecurityAlgorithms.RsaSha256;
        return jwk;
    }

    private static string KeyIdOf(RSA rsa) =>
        Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()).AsSpan(0, 16).ToArray());

    private static X509Certificate2 CreateTlsCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=CommsInvite Emulator", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(7));
        return Reload(ephemeral);
    }

    private static X509Certificate2 CreateClientCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=CommsInvite Emulator Client", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            new OidCollection { new Oid("1.3.6.1.5.5.7.3.2") }, false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
        return Reload(ephemeral);
    }

    // A certificate made by CreateSelfSigned holds an ephemeral key that SChannel (Windows) cannot use for TLS;
    // a PFX round trip gives it a usable key on every platform.
    private static X509Certificate2 Reload(X509Certificate2 ephemeral)
    {
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        var pfx = ephemeral.Export(X509ContentType.Pfx, password);
        return X509CertificateLoader.LoadPkcs12(pfx, password, X509KeyStorageFlags.Exportable);
    }

    public void Dispose()
    {
        TlsCertificate.Dispose();
        ClientCertificate.Dispose();
        TokenRsa.Dispose();
        NotificationRsa.Dispose();
    }
}
