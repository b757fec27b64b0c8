using System;

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

/// <summary>Where to authenticate and where Graph lives, for one cloud.</summary>
public sealed class CloudEndpoints
{
    public CloudEndpoints(CloudEnvironment environment, Uri authorityHost, Uri graphEndpoint, string graphResource)
    {
        Environment = environment;
        AuthorityHost = authorityHost ?? throw new ArgumentNullException(nameof(authorityHost));
        GraphEndpoint = graphEndpoint ?? throw new ArgumentNullException(nameof(graphEndpoint));
        GraphResource = graphResource ?? throw new ArgumentNullException(nameof(graphResource));
    }

    public CloudEnvironment Environment { get; }

    /// <summary>The login host, e.g. https://login.microsoftonline.com/ (tenant appended by the caller).</summary>
    public Uri AuthorityHost { get; }

    /// <summary>Graph's root, e.g. https://graph.microsoft.com/ (version appended per request).</summary>
    public Uri GraphEndpoint { get; }

    /// <summary>The resource whose "/.default" scope is requested.</summary>
    public string GraphResource { get; }

    /// <summary>The scope MSAL asks for.</summary>
    public string Scope => GraphResource.TrimEnd('/') + "/.default";

    /// <summary>The endpoints of a public cloud. For <see cref="CloudEnvironment.Emulator"/> use <see cref="ForEmulator"/>.</summary>
    public static CloudEndpoints For(CloudEnvironment environment) => environment switch
    {
        CloudEnvironment.Global => new CloudEndpoints(environment, new Uri("https://login.microsoftonline.com/"), new Uri("https://graph.microsoft.com/"), "https://graph.microsoft.com"),
        CloudEnvironment.USGov => new CloudEndpoints(environment, new Uri("https://login.microsoftonline.us/"), new Uri("https://graph.microsoft.us/"), "https://graph.microsoft.us"),
        CloudEnvironment.USGovDoD => new CloudEndpoints(environment, new Uri("https://login.microsoftonline.us/"), new Uri("https://dod-graph.microsoft.us/"), "https://dod-graph.microsoft.us"),
        CloudEnvironment.China => new CloudEndpoints(environment, new Uri("https://login.chinacloudapi.cn/"), new Uri("https://microsoftgraph.chinacloudapi.cn/"), "https://microsoftgraph.chinacloudapi.cn"),
        CloudEnvironment.Emulator => throw new CommsValidationException(
            ErrorIds.EmulatorConnectionFileInvalid,
            "EmulatorConnectionFile",
            "The Emulator environment takes its endpoints from the emulator's connection file; pass -EmulatorConnectionFile."),
        _ => throw new CommsValidationException(ErrorIds.InvalidArgument, "Environment", $"Unknown cloud environment '{environment}'."),
    };

    /// <summary>
    /// The emulator's endpoints, from its connection file. Tokens are requested for Graph's global resource,
    /// because the emulator imitates that audience.
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
            "https://graph.microsoft.com");
    }

    internal static Uri EnsureTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith("/", StringComparison.Ordinal) ? uri : new Uri(uri.AbsoluteUri + "/");

    public override string ToString() => $"{Environment} ({GraphEndpoint})";
}
