using System;
using System.Net;
using System.Net.Http;
using CommsInvite.Core.Auth;
using Microsoft.Graph;

namespace CommsInvite.Core;

/// <summary>The national clouds this module knows, plus the local emulator.</summary>
public enum CloudEnvironment
{
    Global,
    USGov,
    USGovDoD,
    China,
    Emulator,
}

/// <summary>
/// Everything a connection needs to know about where it connects: the login and Graph hosts, and, for a private
/// deployment such as the emulator, the one TLS certificate trusted for it and its managed-identity endpoint. The
/// core reads these fields and nothing else about the target, so a connection is the same code whatever it points at.
/// </summary>
internal sealed class CloudEndpoints
{
    public CloudEndpoints(CloudEnvironment environment, Uri authorityHost, Uri graphEndpoint, string graphResource)
    {
        Environment = environment;
        AuthorityHost = authorityHost ?? throw new ArgumentNullException(nameof(authorityHost));
        GraphEndpoint = graphEndpoint ?? throw new ArgumentNullException(nameof(graphEndpoint));
        GraphResource = graphResource ?? throw new ArgumentNullException(nameof(graphResource));
        ApiCloud = environment == CloudEnvironment.Emulator ? CloudEnvironment.Global : environment;
    }

    public CloudEnvironment Environment { get; }

    /// <summary>
    /// The cloud whose set of Graph APIs this target offers, which decides what may be asked of it
    /// (<see cref="GraphApiAvailability"/>): a public cloud's own; for the emulator Global, the service it imitates,
    /// unless its connection file says it stands in for a national cloud ("cloud").
    /// </summary>
    public CloudEnvironment ApiCloud { get; private set; }

    /// <summary>The login host, e.g. https://login.microsoftonline.com/ (tenant appended by the caller).</summary>
    public Uri AuthorityHost { get; }

    /// <summary>Graph's root, e.g. https://graph.microsoft.com/ (version appended per request). The only host that gets the bearer token.</summary>
    public Uri GraphEndpoint { get; }

    /// <summary>The resource whose "/.default" scope is requested.</summary>
    public string GraphResource { get; }

    /// <summary>The scope MSAL asks for.</summary>
    public string Scope => GraphResource.TrimEnd('/') + "/.default";

    /// <summary>
    /// SHA-1 thumbprint of the only TLS certificate trusted for every host of this target; null for the public clouds
    /// (ordinary certificate validation). A pinned target is private: its authority is not validated by MSAL's
    /// instance discovery, and managed identity is routed to <see cref="ManagedIdentityEndpoint"/>.
    /// </summary>
    public string? PinnedCertificateThumbprint { get; private set; }

    /// <summary>Where a private target issues managed-identity tokens; null means the machine's own managed identity.</summary>
    public Uri? ManagedIdentityEndpoint { get; private set; }

    /// <summary>The secret header value the private managed-identity endpoint expects.</summary>
    internal SecretString? ManagedIdentityHeader { get; private set; }

    /// <summary>The file this description was read from, when it came from one.</summary>
    public string? SourcePath { get; private set; }

    /// <summary>Who signs the notifications this target sends; null means Graph's own (the listener's default).</summary>
    public string? NotificationIssuer { get; private set; }

    /// <summary>Where this target publishes its notification signing keys; null means Graph's calling OpenID configuration.</summary>
    public Uri? NotificationOpenIdConfiguration { get; private set; }

    /// <summary>Graph.Core's name for the cloud (GraphClientFactory's national cloud), which picks its default hosts.</summary>
    internal string NationalCloud => Environment switch
    {
        CloudEnvironment.USGov => GraphClientFactory.USGOV_Cloud,
        CloudEnvironment.USGovDoD => GraphClientFactory.USGOV_DOD_Cloud,
        CloudEnvironment.China => GraphClientFactory.China_Cloud,
        _ => GraphClientFactory.Global_Cloud,
    };

    /// <summary>The endpoints of a public cloud. For <see cref="CloudEnvironment.Emulator"/> use <see cref="ForEmulator"/>.</summary>
    public static CloudEndpoints For(CloudEnvironment environment) => environment switch
    {
        CloudEnvironment.Global => new CloudEndpoints(environment, new Uri("https://login.microsoftonline.com/"), new Uri("https://graph.microsoft.com/"), "https://graph.microsoft.com"),
        CloudEnvironment.USGov => new CloudEndpoints(environment, new Uri("https://login.microsoftonline.us/"), new Uri("https://graph.microsoft.us/"), "https://graph.microsoft.us"),
        CloudEnvironment.USGovDoD => new CloudEndpoints(environment, new Uri("https://login.microsoftonline.us/"), new Uri("https://dod-graph.microsoft.us/"), "https://dod-graph.microsoft.us"),
        CloudEnvironment.China => new CloudEndpoints(environment, new Uri("https://login.chinacloudapi.cn/"), new Uri("https://microsoftgraph.chinacloudapi.cn/"), "https://microsoftgraph.chinacloudapi.cn"),
        CloudEnvironment.Emulator => throw new CommsValidationException(
            ErrorIds.Connection.EmulatorConnectionFileInvalid,
            "EmulatorConnectionFile",
            "The Emulator environment takes its endpoints from the emulator's connection file; pass -EmulatorConnectionFile."),
        _ => throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "Environment", $"Unknown cloud environment '{environment}'."),
    };

    /// <summary>
    /// The emulator as a private target, from its connection file: its hosts, its pinned certificate and its
    /// managed-identity endpoint. Tokens are requested for Graph's global resource, the audience it imitates.
    /// </summary>
    public static CloudEndpoints ForEmulator(EmulatorConnectionInfo connection)
    {
        if (connection is null)
        {
            throw new ArgumentNullException(nameof(connection));
        }

        return new CloudEndpoints(
            CloudEnvironment.Emulator,
            EnsureTrailingSlash(connection.AuthorityHost),
            EnsureTrailingSlash(connection.GraphEndpoint),
            "https://graph.microsoft.com")
        {
            ApiCloud = connection.Cloud,
            PinnedCertificateThumbprint = connection.CertificateThumbprint,
            ManagedIdentityEndpoint = connection.ManagedIdentityEndpoint,
            ManagedIdentityHeader = connection.ManagedIdentityHeader,
            SourcePath = connection.SourcePath,
            NotificationIssuer = connection.NotificationIssuer,
            NotificationOpenIdConfiguration = connection.NotificationOpenIdConfiguration,
        };
    }

    /// <summary>The innermost handler of this target's Graph requests: TLS trust (pinned or not), decompression, no redirects or cookies of its own.</summary>
    internal HttpMessageHandler CreateTransport() =>
        PinnedCertificateThumbprint is { } pin
            ? PinnedCertificateHandler.Create(pin)
            : new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate };

    /// <summary>
    /// An HttpClient for fetching this target's notification signing keys: over the pinned certificate for a pinned
    /// target, with ordinary certificate validation otherwise.
    /// </summary>
    internal HttpClient CreateKeyFetchClient() =>
        PinnedCertificateThumbprint is null
            ? new HttpClient { Timeout = TimeSpan.FromSeconds(30) }
            : new HttpClient(CreateTransport(), disposeHandler: true) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The HTTP MSAL uses for this target; null lets MSAL use its own (the public clouds).</summary>
    internal ConnectionMsalHttpClientFactory? CreateMsalHttpClientFactory() =>
        PinnedCertificateThumbprint is { } pin ? new ConnectionMsalHttpClientFactory(pin, ManagedIdentityEndpoint, ManagedIdentityHeader) : null;

    internal static Uri EnsureTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith("/", StringComparison.Ordinal) ? uri : new Uri(uri.AbsoluteUri + "/");

    public override string ToString() => $"{Environment} ({GraphEndpoint})";
}
