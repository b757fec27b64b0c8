using System;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CommsInvite.Core.Auth;

/// <summary>How the application proves who it is. One of the sealed kinds below.</summary>
internal abstract class GraphCredential
{
    private protected GraphCredential()
    {
    }

    /// <summary>The name shown in the context (ClientSecret, Certificate, ManagedIdentity).</summary>
    public abstract string AuthType { get; }
}

/// <summary>An application (client) secret.</summary>
internal sealed class ClientSecretCredential : GraphCredential
{
    public ClientSecretCredential(SecretString secret)
    {
        Secret = secret ?? throw new ArgumentNullException(nameof(secret));
        if (secret.IsEmpty)
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "ClientSecret", "The client secret is empty.");
        }
    }

    public SecretString Secret { get; }

    public override string AuthType => "ClientSecret";

    public override string ToString() => AuthType;
}

/// <summary>A certificate with a private key, registered on the application.</summary>
internal sealed class CertificateCredential : GraphCredential
{
    public CertificateCredential(X509Certificate2 certificate)
    {
        Certificate = certificate ?? throw new ArgumentNullException(nameof(certificate));
        if (!certificate.HasPrivateKey)
        {
            throw new CommsValidationException(
                ErrorIds.Connection.CertificateInvalid,
                "Certificate",
                $"The certificate {certificate.Thumbprint} has no private key; a client certificate needs one to sign the assertion.",
                certificate.Thumbprint);
        }
    }

    public X509Certificate2 Certificate { get; }

    public string Thumbprint => Certificate.Thumbprint;

    public override string AuthType => "Certificate";

    /// <summary>Loads a PFX/PKCS#12 file. The password is never put into an error message.</summary>
    public static CertificateCredential FromFile(string path, SecretString? password)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "CertificatePath", "No certificate path was given.");
        }

        if (!File.Exists(path))
        {
            throw new CommsValidationException(ErrorIds.Connection.CertificateNotFound, "CertificatePath", $"The certificate file '{path}' does not exist.", path);
        }

        try
        {
            // EphemeralKeySet is unsupported on macOS; Exportable-less default keeps the key in memory on Linux.
            var certificate = new X509Certificate2(File.ReadAllBytes(path), password?.Reveal(), X509KeyStorageFlags.DefaultKeySet);
            return new CertificateCredential(certificate);
        }
        catch (CryptographicException)
        {
            // The exception text from the platform can name the file but never the password; still, keep our own words.
            throw new CommsValidationException(
                ErrorIds.Connection.CertificateInvalid,
                "CertificatePath",
                $"The certificate file '{path}' cannot be opened: it is not a PKCS#12 file with a private key, or the password is wrong.",
                path);
        }
    }

    /// <summary>Finds a certificate by SHA-1 thumbprint in CurrentUser\My, then LocalMachine\My.</summary>
    public static CertificateCredential FromThumbprint(string thumbprint)
    {
        var normalized = CertificateThumbprint.Normalize(thumbprint);
        if (normalized is null || normalized.Length != 40)
        {
            throw new CommsValidationException(
                ErrorIds.Input.InvalidArgument,
                "CertificateThumbprint",
                $"'{thumbprint}' is not a certificate thumbprint (40 hexadecimal digits).",
                thumbprint);
        }

        foreach (var location in new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine })
        {
            var found = TryFind(location, normalized);
            if (found is not null)
            {
                return new CertificateCredential(found);
            }
        }

        throw new CommsValidationException(
            ErrorIds.Connection.CertificateNotFound,
            "CertificateThumbprint",
            $"No certificate with thumbprint {normalized} and a private key was found in Cert:\\CurrentUser\\My or Cert:\\LocalMachine\\My.",
            normalized);
    }

    private static X509Certificate2? TryFind(StoreLocation location, string thumbprint)
    {
        try
        {
            using var store = new X509Store(StoreName.My, location);
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            foreach (var candidate in store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, validOnly: false))
            {
                if (candidate.HasPrivateKey)
                {
                    return candidate;
                }
            }
        }
        catch (CryptographicException)
        {
            // A store that does not exist on this platform (LocalMachine\My on Linux) simply holds nothing.
        }

        return null;
    }

    public override string ToString() => $"{AuthType} {Thumbprint}";
}

/// <summary>
/// Managed identity as Azure Automation and App Service expose it (IDENTITY_ENDPOINT + IDENTITY_HEADER).
/// ClientId selects a user-assigned identity; null means the system-assigned one.
/// </summary>
internal sealed class ManagedIdentityCredential : GraphCredential
{
    public ManagedIdentityCredential(string? clientId = null)
    {
        if (clientId is not null && !Guid.TryParse(clientId, out _))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidGuid, "ManagedIdentityClientId", $"'{clientId}' is not a GUID.", clientId);
        }

        ClientId = clientId;
    }

    public string? ClientId { get; }

    public override string AuthType => "ManagedIdentity";

    public override string ToString() => ClientId is null ? AuthType : $"{AuthType} {ClientId}";
}

/// <summary>Thumbprint text helpers (users paste them with spaces, colons and odd case).</summary>
internal static class CertificateThumbprint
{
    public static string? Normalize(string? thumbprint)
    {
        if (thumbprint is null)
        {
            return null;
        }

        var chars = new System.Text.StringBuilder(thumbprint.Length);
        foreach (var c in thumbprint)
        {
            if (c is ' ' or ':' or '-' or '\u200e' or '\u200f')
            {
                continue;
            }

            if (!Uri.IsHexDigit(c))
            {
                return null;
            }

            chars.Append(char.ToUpperInvariant(c));
        }

        return chars.Length == 0 ? null : chars.ToString();
    }
}
