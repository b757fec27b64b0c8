using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CommsInvite.Core;
using CommsInvite.Core.Calls;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;
using SdkInvite = Microsoft.Graph.Communications.Calls.Item.Participants.Invite;
using SdkModels = Microsoft.Graph.Models;

namespace CommsInvite.Benchmarks;

/// <summary>One planned invite: one user into one call. The raw client's body is serialised ahead of time.</summary>
internal sealed record InviteTarget(string CallId, string UserId, string ClientContext, Uri InviteUri, byte[] RawBody)
{
    public static InviteTarget Create(Uri graphV1, string callId, string userId)
    {
        var clientContext = Guid.NewGuid().ToString();
        var uri = new Uri(graphV1, $"communications/calls/{callId}/participants/invite");
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["participants"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["@odata.type"] = "#microsoft.graph.invitationParticipantInfo",
                    ["identity"] = new Dictionary<string, object>
                    {
                        ["@odata.type"] = "#microsoft.graph.identitySet",
                        ["user"] = new Dictionary<string, object> { ["@odata.type"] = "#microsoft.graph.identity", ["id"] = userId, ["identityProvider"] = "AAD" },
                    },
                },
            },
            ["clientContext"] = clientContext,
        });
        return new InviteTarget(callId, userId, clientContext, uri, body);
    }
}

/// <summary>Something that sends one invite and returns the operation id the service gave it.</summary>
internal interface IInviter : IDisposable
{
    /// <summary>Short key used in the JSON (core, graphSdk, raw, ...).</summary>
    string Key { get; }

    string DisplayName { get; }

    Task<string> InviteAsync(InviteTarget target, CancellationToken cancellationToken);

    /// <summary>Sends the invites one after another and returns each one's latency in milliseconds.</summary>
    async Task<double[]> TimeEachAsync(IReadOnlyList<InviteTarget> targets, CancellationToken cancellationToken)
    {
        var latencies = new double[targets.Count];
        for (var i = 0; i < targets.Count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await InviteAsync(targets[i], cancellationToken).ConfigureAwait(false);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        return latencies;
    }
}

/// <summary>CommsInvite's core client: validation, its handler chain over GraphClientFactory (exactly-once retry, Graph.Core's redirect and telemetry handlers, bearer), source-generated JSON.</summary>
internal sealed class CoreInviter : IInviter
{
    private readonly GraphConnection _connection;

    public CoreInviter(GraphConnection connection) => _connection = connection;

    public string Key => "core";

    public string DisplayName => "CommsInvite core (CallsClient.InviteAsync)";

    public async Task<string> InviteAsync(InviteTarget target, CancellationToken cancellationToken)
    {
        var operation = await _connection.Calls.InviteAsync(new InviteRequest
        {
            CallId = target.CallId,
            Participants = { InvitationParticipants.User(target.UserId) },
            ClientContext = target.ClientContext,
        }, cancellationToken).ConfigureAwait(false);
        return operation.Id ?? throw new InvalidOperationException("The core client returned an operation without an id.");
    }

    public void Dispose() => _connection.Dispose();
}

/// <summary>
/// Diagnostic: the raw client's pre-serialised body sent through the core's HTTP layer (GraphHttpClient and its
/// handlers) without validation, serialisation or parsing. Tells the HTTP layer's cost from CallsClient's.
/// </summary>
internal sealed class CoreHttpInviter : IInviter
{
    private readonly GraphConnection _connection;

    public CoreHttpInviter(GraphConnection connection) => _connection = connection;

    public string Key => "coreHttp";

    public string DisplayName => "pre-serialised POST through the core's GraphHttpClient (diagnostic)";

    public async Task<string> InviteAsync(InviteTarget target, CancellationToken cancellationToken)
    {
        var response = await _connection.Http.SendAsync(
            new CommsInvite.Core.Http.GraphRequest(HttpMethod.Post, target.InviteUri, CommsInvite.Core.Http.RequestSafety.NotIdempotent, target.RawBody),
            cancellationToken).ConfigureAwait(false);
        return response.Location?.Segments[^1] ?? throw new InvalidOperationException("No Location.");
    }

    public void Dispose() => _connection.Dispose();
}

/// <summary>
/// The Microsoft Graph SDK as an application uses it: GraphServiceClient over Graph.Core's default middleware
/// (retry, redirect, compression, user agent, ...) — or, with <c>bareHttpClient</c>, over a plain HttpClient with
/// no middleware — and a bearer token provider that fetches from the emulator's token endpoint and caches the
/// token until shortly before it expires (the SDK at its cheapest: no MSAL cache lookup per request).
/// </summary>
internal sealed class GraphSdkInviter : IInviter
{
    private readonly GraphServiceClient _graph;
    private readonly HttpClient _http;

    public GraphSdkInviter(Harness harness, bool bareHttpClient)
    {
        BareHttpClient = bareHttpClient;
        var pinned = harness.CreatePinnedHandler();
        _http = bareHttpClient
            ? new HttpClient(pinned)
            : GraphClientFactory.Create(GraphClientFactory.CreateDefaultHandlers(new GraphClientOptions()), "v1.0", GraphClientFactory.Global_Cloud, null, pinned, true);
        var tokens = new EmulatorAccessTokenProvider(harness, new HttpClient(harness.CreatePinnedHandler()));
        _graph = new GraphServiceClient(_http, new BaseBearerTokenAuthenticationProvider(tokens), harness.GraphV1.AbsoluteUri.TrimEnd('/'));
    }

    public bool BareHttpClient { get; }

    public string Key => BareHttpClient ? "graphSdkBare" : "graphSdk";

    public string DisplayName => BareHttpClient
        ? "Graph SDK 6.10 over a bare HttpClient (no middleware)"
        : "Graph SDK 6.10 (GraphServiceClient, default middleware)";

    public async Task<string> InviteAsync(InviteTarget target, CancellationToken cancellationToken)
    {
        var body = new SdkInvite.InvitePostRequestBody
        {
            Participants = new List<SdkModels.InvitationParticipantInfo>
            {
                new()
                {
                    Identity = new SdkModels.IdentitySet
                    {
                        User = new SdkModels.Identity { Id = target.UserId, AdditionalData = new Dictionary<string, object> { ["identityProvider"] = "AAD" } },
                    },
                },
            },
            ClientContext = target.ClientContext,
        };
        var operation = await _graph.Communications.Calls[target.CallId].Participants.Invite.PostAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        return operation?.Id ?? throw new InvalidOperationException("The Graph SDK returned no operation id.");
    }

    public void Dispose()
    {
        _graph.Dispose();
        _http.Dispose();
    }

    /// <summary>IAccessTokenProvider over the emulator's token endpoint; caches until five minutes before expiry.</summary>
    private sealed class EmulatorAccessTokenProvider : IAccessTokenProvider
    {
        private readonly Harness _harness;
        private readonly HttpClient _http;
        private readonly SemaphoreSlim _gate = new(1, 1);
        private (string Token, DateTimeOffset ExpiresOn)? _cached;

        public EmulatorAccessTokenProvider(Harness harness, HttpClient http)
        {
            _harness = harness;
            _http = http;
        }

        public AllowedHostsValidator AllowedHostsValidator { get; } = new();

        public async Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
        {
            if (_cached is { } fresh && fresh.ExpiresOn - TimeSpan.FromMinutes(5) > DateTimeOffset.UtcNow)
            {
                return fresh.Token;
            }

            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_cached is not { } cached || cached.ExpiresOn - TimeSpan.FromMinutes(5) <= DateTimeOffset.UtcNow)
                {
                    _cached = await _harness.FetchTokenAsync(_http, cancellationToken).ConfigureAwait(false);
                }

                return _cached.Value.Token;
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}

/// <summary>
/// The floor: one HttpClient POST of a body serialised beforehand, with a token fetched beforehand. With
/// <c>coreTransport</c> (diagnostics only) the same pre-serialised POST goes through GraphClientFactory's HttpClient
/// with the Graph.Core handlers the core keeps (redirect, telemetry) and the core's per-request headers. That tells
/// the transport's cost from the core's own code (its retry and bearer handlers, serialisation, error mapping).
/// </summary>
internal sealed class RawHttpInviter : IInviter
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly bool _coreTransport;

    private RawHttpInviter(HttpClient http, string token, bool coreTransport)
    {
        _http = http;
        _authorization = new AuthenticationHeaderValue("Bearer", token);
        _coreTransport = coreTransport;
    }

    public static async Task<RawHttpInviter> CreateAsync(Harness harness, CancellationToken cancellationToken, bool coreTransport = false)
    {
        if (!coreTransport)
        {
            var client = new HttpClient(harness.CreatePinnedHandler());
            var (token, _) = await harness.FetchTokenAsync(client, cancellationToken);
            return new RawHttpInviter(client, token, coreTransport: false);
        }

        using var tokenClient = new HttpClient(harness.CreatePinnedHandler());
        var (coreToken, _) = await harness.FetchTokenAsync(tokenClient, cancellationToken);
        var handlers = GraphClientFactory.CreateDefaultHandlers(new GraphClientOptions())
            .Where(h => h is Microsoft.Kiota.Http.HttpClientLibrary.Middleware.RedirectHandler or GraphTelemetryHandler)
            .ToList();
        var graphClient = GraphClientFactory.Create(handlers, "v1.0", GraphClientFactory.Global_Cloud, null, harness.CreatePinnedHttpClientHandler(), true);
        return new RawHttpInviter(graphClient, coreToken, coreTransport: true);
    }

    public string Key => _coreTransport ? "rawGraphPipeline" : "raw";

    public string DisplayName => _coreTransport
        ? "pre-serialised POST over the core's transport (diagnostic)"
        : "bare HttpClient POST (pre-serialised body, pre-fetched token)";

    public async Task<string> InviteAsync(InviteTarget target, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target.InviteUri) { Content = new ByteArrayContent(target.RawBody) };
        request.Content.Headers.ContentType = JsonType;
        request.Headers.Authorization = _authorization;
        if (!_coreTransport)
        {
            using var plain = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            return OperationId(plain);
        }

        // The headers CommsInvite's core adds itself (Graph.Core's handlers add SdkVersion, FeatureFlag and Cache-Control).
        request.Headers.TryAddWithoutValidation("client-request-id", target.ClientContext);
        request.Headers.TryAddWithoutValidation("return-client-request-id", "true");
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", "CommsInvite/0.0.0");
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        _ = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return OperationId(response);
    }

    public void Dispose() => _http.Dispose();

    private static string OperationId(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.OK && response.Headers.Location is { } location
            ? location.Segments[^1]
            : throw new InvalidOperationException($"The raw invite got {(int)response.StatusCode}.");
}

/// <summary>Invoke-CsGraphParticipantInvite in a real PowerShell 7.6 engine (one pipeline per invite, as a script line would run it).</summary>
internal sealed class EngineInviter : IInviter
{
    private readonly EngineSession _session;

    public EngineInviter(EngineSession session) => _session = session;

    public string Key => "engine";

    public string DisplayName => "Invoke-CsGraphParticipantInvite (PowerShell 7.6 engine)";

    public async Task<string> InviteAsync(InviteTarget target, CancellationToken cancellationToken) =>
        OperationId(await _session.InvokeAsync(ps => Build(ps, target)).ConfigureAwait(false));

    /// <summary>
    /// Times the whole block on the pipeline thread, one pipeline after another, as a script's lines run in pwsh: the
    /// benchmark's hand-off to that thread and back is not part of the cmdlet path, so it is not timed.
    /// </summary>
    public Task<double[]> TimeEachAsync(IReadOnlyList<InviteTarget> targets, CancellationToken cancellationToken) =>
        _session.RunOnPipelineThread(() =>
        {
            var latencies = new double[targets.Count];
            for (var i = 0; i < targets.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var started = Stopwatch.GetTimestamp();
                OperationId(_session.InvokeHere(ps => Build(ps, targets[i]), throwOnError: true));
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            return latencies;
        });

    public void Dispose()
    {
        // The session belongs to the benchmark's run, which disposes of it.
    }

    private static void Build(System.Management.Automation.PowerShell ps, InviteTarget target) =>
        ps.AddCommand("Invoke-CsGraphParticipantInvite")
            .AddParameter("CallId", target.CallId)
            .AddParameter("UserId", new[] { target.UserId })
            .AddParameter("ClientContext", target.ClientContext);

    private static string OperationId(IReadOnlyList<PSObject> output) =>
        (output.Count == 1 ? output[0].Properties["Id"]?.Value as string : null)
        ?? throw new InvalidOperationException($"Invoke-CsGraphParticipantInvite emitted {output.Count} objects, expected one operation.");
}

/// <summary>
/// A PowerShell 7.6 runspace (CreateDefault2) with the built module imported and connected to the emulator. Its
/// pipelines run on one dedicated thread, as pwsh runs them on its own main thread: blocking a thread-pool thread
/// instead would starve the pool that the cmdlets' tasks (and an in-process emulator) need (a 2-core machine has two
/// pool threads to start with), which is not what a user's pwsh sees.
/// </summary>
internal sealed class EngineSession : IDisposable
{
    private readonly Runspace _runspace;
    private readonly System.Collections.Concurrent.BlockingCollection<Action> _work = new();
    private readonly Thread _thread;

    private EngineSession(Runspace runspace)
    {
        _runspace = runspace;
        _thread = new Thread(() =>
        {
            foreach (var item in _work.GetConsumingEnumerable())
            {
                item();
            }
        })
        {
            IsBackground = true,
            Name = "PowerShell pipeline",
        };
        _thread.Start();
    }

    public static EngineSession Start(Harness harness)
    {
        var state = InitialSessionState.CreateDefault2();
        if (OperatingSystem.IsWindows())
        {
            state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        }

        var runspace = RunspaceFactory.CreateRunspace(state);
        runspace.ThreadOptions = PSThreadOptions.UseCurrentThread;
        var session = new EngineSession(runspace);
        try
        {
            session.RunOnPipelineThread(() => runspace.Open()).GetAwaiter().GetResult();
            session.Invoke(ps => ps.AddCommand("Import-Module").AddParameter("Name", ModuleLocator.BuiltManifestPath).AddParameter("ErrorAction", "Stop"));
            session.Invoke(ps => ps.AddCommand("Connect-CsGraph").AddParameter("Environment", "Emulator")
                .AddParameter("EmulatorConnectionFile", harness.ConnectionFilePath).AddParameter("ErrorAction", "Stop"));
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public bool HasCommand(string name) =>
        Invoke(ps => ps.AddCommand("Get-Command").AddParameter("Name", name).AddParameter("ErrorAction", "SilentlyContinue"), throwOnError: false).Count > 0;

    /// <summary>Runs one pipeline and blocks until it ends (setup and the waiting benchmark).</summary>
    public IReadOnlyList<PSObject> Invoke(Action<System.Management.Automation.PowerShell> build, bool throwOnError = true) =>
        InvokeAsync(build, throwOnError).GetAwaiter().GetResult();

    /// <summary>Runs one pipeline on the pipeline thread; any error record fails the benchmark (with its id and message).</summary>
    public Task<IReadOnlyList<PSObject>> InvokeAsync(Action<System.Management.Automation.PowerShell> build, bool throwOnError = true) =>
        RunOnPipelineThread(() => InvokeHere(build, throwOnError));

    /// <summary>Runs one pipeline on the calling thread, which must be the pipeline thread (see <see cref="RunOnPipelineThread{T}"/>).</summary>
    public IReadOnlyList<PSObject> InvokeHere(Action<System.Management.Automation.PowerShell> build, bool throwOnError)
    {
        if (Thread.CurrentThread != _thread)
        {
            throw new InvalidOperationException("Pipelines run on the session's pipeline thread only.");
        }

        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        build(ps);
        var output = ps.Invoke();
        if (throwOnError && ps.Streams.Error.Count > 0)
        {
            var error = ps.Streams.Error[0];
            throw new InvalidOperationException($"PowerShell error {error.FullyQualifiedErrorId}: {error.Exception.Message}");
        }

        return output;
    }

    /// <summary>Runs work on the pipeline thread, where every pipeline of this session runs.</summary>
    public Task<T> RunOnPipelineThread<T>(Func<T> function)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(function());
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        });
        return done.Task;
    }

    private Task RunOnPipelineThread(Action action) => RunOnPipelineThread(() =>
    {
        action();
        return true;
    });

    public void Dispose()
    {
        try
        {
            RunOnPipelineThread(() => _runspace.Dispose()).Wait(TimeSpan.FromSeconds(10));
        }
        finally
        {
            _work.CompleteAdding();
            _thread.Join(TimeSpan.FromSeconds(10));
            _work.Dispose();
        }
    }
}

/// <summary>Finds out/CommsInvite/&lt;ModuleVersion&gt;/CommsInvite.psd1 from the program's location.</summary>
internal static class ModuleLocator
{
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CommsInvite.psd1")) && Directory.Exists(Path.Combine(dir.FullName, "module")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Cannot find the repository root (CommsInvite.psd1) above " + AppContext.BaseDirectory);
        }
    }

    public static string BuiltManifestPath
    {
        get
        {
            var root = RepoRoot;
            var match = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(root, "CommsInvite.psd1")), @"ModuleVersion\s*=\s*'([0-9.]+)'");
            var path = Path.Combine(root, "out", "CommsInvite", match.Groups[1].Value, "CommsInvite.psd1");
            return File.Exists(path) ? path : throw new InvalidOperationException($"The module is not built: {path} is missing. Build src/CommsInvite first.");
        }
    }
}
