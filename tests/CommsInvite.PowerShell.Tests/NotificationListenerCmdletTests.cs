using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CommsInvite.Emulator;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>
/// Start-/Stop-CsGraphNotificationListener in a real engine, validating tokens against the real emulator's
/// OpenID configuration: the emulator's own notifications are accepted, forged ones are refused and counted.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class NotificationListenerCmdletTests
{
    private static readonly string UserA = EmulatorDefaults.SeedUserIds[0];
    private static readonly string UserB = EmulatorDefaults.SeedUserIds[1];

    private readonly EmulatorFixture _emulator;

    public NotificationListenerCmdletTests(EmulatorFixture emulator) => _emulator = emulator;

    [Fact]
    public async Task Listener_ReceivesTheEmulatorsSignedNotifications_ForACallThatCallsItBack()
    {
        using var session = _emulator.ConnectedSession();

        var started = session.Run("$listener = Start-CsGraphNotificationListener -ErrorAction Stop; $listener").ThrowOnError();
        var info = Assert.Single(started.Output);
        Assert.Equal("NotificationListenerInfo", info.BaseObject.GetType().Name);
        Assert.Equal(true, info.Properties["IsRunning"].Value);
        var uri = new Uri(info.Properties["Uri"].Value!.ToString()!);
        Assert.Equal("http", uri.Scheme);
        Assert.Equal("/api/calls", uri.AbsolutePath);
        Assert.NotEqual(0, (int)info.Properties["Port"].Value!);
        Assert.Equal(_emulator.Server.Connection.ClientId, info.Properties["AppId"].Value);

        try
        {
            var callId = session.Run(@"
                $call = New-CsGraphCall -CallbackUri $listener.Uri -ThreadId '19:meeting_listen@thread.v2' -ErrorAction Stop
                $null = Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $args[0], $args[1] -ErrorAction Stop
                $call.Id", UserA, UserB).ThrowOnError().Output.Single().ToString();

            // Roster update, then the operation's end: both POSTed with the emulator's token, both accepted.
            WaitUntil(session, "$listener.Statistics.NotificationsReceived -ge 2");
            var kinds = session.Run("foreach ($n in $listener.Peek()) { '{0} {1}' -f $n.Kind, $n.CallId }").ThrowOnError()
                .Output.Select(o => o.ToString()).ToList();
            Assert.Contains($"Roster {callId}", kinds);
            Assert.Contains($"Operation {callId}", kinds);
            Assert.Empty(NotificationPosts.Rejections(session, "listener"));

            var stopped = session.Run("Stop-CsGraphNotificationListener -PassThru").ThrowOnError();
            var final = Assert.Single(stopped.Output);
            Assert.Equal(false, final.Properties["IsRunning"].Value);
            Assert.NotNull(final.Properties["StoppedAt"].Value);
            var statistics = final.Properties["Statistics"].Value!;
            Assert.True((long)((dynamic)statistics).RequestsAccepted >= 2);

            // The port is closed once stopped.
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => NotificationPosts.PostAsync(uri, null, "{}"));
        }
        finally
        {
            session.Run("Stop-CsGraphNotificationListener");
        }
    }

    [Fact]
    public async Task ForgedExpiredWrongAudienceUnsignedAndMalformedPosts_AreRejected_AndCounted()
    {
        using var session = _emulator.ConnectedSession();
        using var tokens = new NotificationTokenFactory(_emulator.Server);
        var uri = new Uri(session.Run("$listener = Start-CsGraphNotificationListener -ErrorAction Stop; $listener.Uri").ThrowOnError().Output.Single().BaseObject.ToString()!);
        var callId = Guid.NewGuid().ToString();
        var body = NotificationPosts.OperationCompleted(callId, Guid.NewGuid().ToString());

        try
        {
            var answers = new Dictionary<string, int>
            {
                ["forged"] = await NotificationPosts.PostAsync(uri, tokens.Forged(), body),
                ["expired"] = await NotificationPosts.PostAsync(uri, tokens.Expired(), body),
                ["wrong audience"] = await NotificationPosts.PostAsync(uri, tokens.WrongAudience(), body),
                ["unsigned"] = await NotificationPosts.PostAsync(uri, tokens.Unsigned(), body),
                ["malformed token"] = await NotificationPosts.PostAsync(uri, "not-a-jwt", body),
                ["no token"] = await NotificationPosts.PostAsync(uri, null, body),
                ["malformed body"] = await NotificationPosts.PostAsync(uri, tokens.Valid(), "{\"value\":[{\"changeType\":"),
                ["valid"] = await NotificationPosts.PostAsync(uri, tokens.Valid(), body),
            };

            Assert.Equal(401, answers["forged"]);
            Assert.Equal(401, answers["expired"]);
            Assert.Equal(401, answers["wrong audience"]);
            Assert.Equal(401, answers["unsigned"]);
            Assert.Equal(401, answers["malformed token"]);
            Assert.Equal(401, answers["no token"]);
            Assert.Equal(400, answers["malformed body"]);
            Assert.Equal(202, answers["valid"]);

            var rejections = NotificationPosts.Rejections(session, "listener");
            Assert.Equal(
                new Dictionary<string, long>
                {
                    ["BadSignature"] = 1, ["Expired"] = 1, ["WrongAudience"] = 1, ["Unsigned"] = 1,
                    ["Malformed"] = 1, ["Missing"] = 1, ["MalformedBody"] = 1,
                },
                rejections);

            var summary = session.Run(@"
                $s = $listener.Statistics
                $s.RequestsAccepted; $s.RequestsRejected; $s.RecentRejections.Count
                @($listener.Peek()).Count; @($listener.Peek())[0].CallId").ThrowOnError().Output.Select(o => o.ToString()).ToArray();
            Assert.Equal(new[] { "1", "7", "7", "1", callId }, summary);

            // What is kept about a rejection says why, never what the token was.
            var recent = session.Run("foreach ($r in $listener.Statistics.RecentRejections) { $r.ToString(); $r.RemoteAddress }").ThrowOnError();
            var text = string.Join("\n", recent.Output.Select(o => o.ToString()));
            Assert.DoesNotContain(tokens.Forged().Split('.')[0], text);
            Assert.DoesNotContain("not-a-jwt", text);
        }
        finally
        {
            session.Run("Stop-CsGraphNotificationListener");
        }
    }

    [Fact]
    public void ListenerForAnotherAppId_RefusesTheEmulatorsNotifications_AsWrongAudience()
    {
        using var session = _emulator.ConnectedSession();
        session.Run("$listener = Start-CsGraphNotificationListener -AppId $args[0] -ErrorAction Stop", Guid.NewGuid().ToString()).ThrowOnError();
        try
        {
            session.Run(@"
                $call = New-CsGraphCall -CallbackUri $listener.Uri -ThreadId '19:meeting_aud@thread.v2' -ErrorAction Stop
                $null = Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $args[0] -ErrorAction Stop", UserA).ThrowOnError();

            WaitUntil(session, "$listener.Statistics.RequestsRejected -ge 2");
            Assert.Equal(new Dictionary<string, long> { ["WrongAudience"] = 2 }, NotificationPosts.Rejections(session, "listener"));
            Assert.Equal("0", session.Run("$listener.Statistics.NotificationsReceived").ThrowOnError().Output.Single().ToString());
        }
        finally
        {
            session.Run("Stop-CsGraphNotificationListener");
        }
    }

    [Fact]
    public async Task HttpsListener_ServesWithTheGivenCertificate()
    {
        using var session = _emulator.ConnectedSession();
        using var tokens = new NotificationTokenFactory(_emulator.Server);
        using var certificate = LoopbackCertificate();
        var uri = new Uri(session.Run("$listener = Start-CsGraphNotificationListener -Certificate $args[0] -ErrorAction Stop; $listener.Uri", certificate)
            .ThrowOnError().Output.Single().BaseObject.ToString()!);
        try
        {
            Assert.Equal("https", uri.Scheme);
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint,
            };
            using var http = new HttpClient(handler);
            using var request = new HttpRequestMessage(HttpMethod.Post, uri)
            {
                Content = new StringContent(NotificationPosts.OperationCompleted(Guid.NewGuid().ToString(), "op-1")),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens.Valid());
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        finally
        {
            session.Run("Stop-CsGraphNotificationListener");
        }
    }

    [Fact]
    public void SecondStart_IsRefused_WhileTheFirstRuns()
    {
        using var session = _emulator.ConnectedSession();
        session.Run("$listener = Start-CsGraphNotificationListener -ErrorAction Stop").ThrowOnError();
        try
        {
            var second = session.Run("Start-CsGraphNotificationListener");

            var error = Assert.Single(second.AllErrors);
            Assert.StartsWith("NotificationListenerAlreadyRunning,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
            Assert.Equal("True", session.Run("$listener.IsRunning").Output.Single().ToString());
        }
        finally
        {
            session.Run("Stop-CsGraphNotificationListener");
        }

        // Once stopped, a new one starts.
        session.Run("Start-CsGraphNotificationListener -ErrorAction Stop; Stop-CsGraphNotificationListener").ThrowOnError();
    }

    [Fact]
    public void PortInUse_IsNotificationListenerStartFailed()
    {
        using var session = _emulator.ConnectedSession();
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port;

        var result = session.Run("Start-CsGraphNotificationListener -Port $args[0]", port);

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("NotificationListenerStartFailed,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        Assert.Empty(session.Run("Stop-CsGraphNotificationListener -PassThru").ThrowOnError().Output);
    }

    public static TheoryData<string, string, string> BadStarts => new()
    {
        { "not an address", "Start-CsGraphNotificationListener -Address 'localhost:80'", "InvalidArgument" },
        { "path without slash", "Start-CsGraphNotificationListener -Path 'api/calls'", "InvalidArgument" },
        { "keys over plain http", "Start-CsGraphNotificationListener -OpenIdConfigurationUri 'http://keys.example.com/openid'", "InvalidUri" },
        { "certificate without key", "Start-CsGraphNotificationListener -Certificate $publicOnly", "CertificateInvalid" },
    };

    [Theory]
    [MemberData(nameof(BadStarts))]
    public void BadInput_GetsItsErrorId_AndNothingListens(string name, string script, string errorId)
    {
        using var session = _emulator.ConnectedSession();
        using var certificate = LoopbackCertificate();
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert));
        session.SetVariable("publicOnly", publicOnly);

        var result = session.Run(script);

        var error = Assert.Single(result.AllErrors);
        Assert.True(error.FullyQualifiedErrorId.StartsWith(errorId + ",", StringComparison.Ordinal), $"{name}: {ScriptResult.Describe(error)}");
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Empty(session.Run("Stop-CsGraphNotificationListener -PassThru").ThrowOnError().Output);
    }

    [Fact]
    public void WithoutAConnection_AppIdIsRequired_AndWithItTheListenerStarts()
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        var without = session.Run("Start-CsGraphNotificationListener");
        var error = Assert.Single(without.AllErrors);
        Assert.StartsWith("InvalidArgument,", error.FullyQualifiedErrorId);
        Assert.Contains("-AppId", error.Exception.Message);

        // A bot host that only listens: its own app id, Graph's real key address (not fetched: the start must not need the network).
        var with = session.Run(
            "Start-CsGraphNotificationListener -AppId $args[0] -OpenIdConfigurationUri $args[1] -WhatIf",
            Guid.NewGuid().ToString(), _emulator.Server.Connection.NotificationOpenIdConfiguration).ThrowOnError();
        Assert.Empty(with.Output);
    }

    [Fact]
    public async Task WithoutAConnection_TheListenerValidatesAgainstTheGivenIssuer()
    {
        // A bot host that only listens: its own app id and an issuer of the test's own (OpenID configuration + JWKS
        // over loopback HTTP), so the non-emulator path runs: plain HttpClient, keys fetched at start.
        using var rsa = RSA.Create(2048);
        var key = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(rsa) { KeyId = "engine-issuer" };
        await using var issuer = await LoopbackIssuer.StartAsync(key);
        var appId = Guid.NewGuid().ToString();
        using var session = new PowerShellSession();
        session.ImportModule();

        var uri = new Uri(session.Run(
                "$listener = Start-CsGraphNotificationListener -AppId $args[0] -OpenIdConfigurationUri $args[1] -Issuer 'https://issuer.example' -ErrorAction Stop; $listener.Uri",
                appId, issuer.ConfigurationUri)
            .ThrowOnError().Output.Single().BaseObject.ToString()!);
        try
        {
            var body = NotificationPosts.OperationCompleted(Guid.NewGuid().ToString(), "op-1");
            Assert.Equal(202, await NotificationPosts.PostAsync(uri, LoopbackIssuer.Token(key, "https://issuer.example", appId, DateTime.UtcNow.AddHours(1)), body));
            Assert.Equal(401, await NotificationPosts.PostAsync(uri, LoopbackIssuer.Token(key, "https://issuer.example", appId, DateTime.UtcNow.AddHours(-1)), body));
            Assert.Equal(401, await NotificationPosts.PostAsync(uri, LoopbackIssuer.Token(key, "https://api.botframework.com", appId, DateTime.UtcNow.AddHours(1)), body));

            Assert.Equal(new Dictionary<string, long> { ["Expired"] = 1, ["WrongIssuer"] = 1 }, NotificationPosts.Rejections(session, "listener"));
            Assert.Equal(appId, session.Run("$listener.AppId").ThrowOnError().Output.Single().ToString());
            Assert.True(issuer.Requests >= 2); // configuration and keys were really fetched
        }
        finally
        {
            session.Run("Stop-CsGraphNotificationListener");
        }
    }

    [Fact]
    public void WhatIf_StartsNothing_AndStopWithoutListener_IsQuiet()
    {
        using var session = _emulator.ConnectedSession();

        var whatIf = session.Run("Start-CsGraphNotificationListener -WhatIf").ThrowOnError();
        var stop = session.Run("Stop-CsGraphNotificationListener -PassThru -Verbose").ThrowOnError();

        Assert.Empty(whatIf.Output);
        Assert.Empty(stop.Output);
        Assert.Contains(stop.Verbose, v => v.Contains("nothing to stop", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClosingTheRunspace_StopsItsListener()
    {
        Uri uri;
        using (var session = _emulator.ConnectedSession())
        {
            uri = new Uri(session.Run("(Start-CsGraphNotificationListener -ErrorAction Stop).Uri").ThrowOnError().Output.Single().BaseObject.ToString()!);
            Assert.Equal(401, await NotificationPosts.PostAsync(uri, null, "{}"));
        }

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => NotificationPosts.PostAsync(uri, null, "{}"));
    }

    /// <summary>Waits (at most 20 s) until <paramref name="condition"/> is true in the session; fails otherwise.</summary>
    internal static void WaitUntil(PowerShellSession session, string condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var value = session.Run($"[bool]({condition})").ThrowOnError().Output.Single().BaseObject;
            if (value is true)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Still false after 20 s: {condition}");
            }

            Thread.Sleep(100);
        }
    }

    internal static X509Certificate2 LoopbackCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));

        // A PFX round trip gives a certificate whose key SslStream can use on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    /// <summary>
    /// An OpenID configuration and JWKS served over http://127.0.0.1 by a bare TcpListener (HttpListener would need a
    /// URL reservation on Windows). Answers every GET with Connection: close.
    /// </summary>
    private sealed class LoopbackIssuer : IAsyncDisposable
    {
        private readonly TcpListener _tcp;
        private readonly Task _loop;
        private int _requests;

        private LoopbackIssuer(TcpListener tcp, string configuration, string keys)
        {
            _tcp = tcp;
            _loop = Task.Run(async () =>
            {
                while (true)
                {
                    TcpClient client;
                    try
                    {
                        client = await _tcp.AcceptTcpClientAsync();
                    }
                    catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
                    {
                        return;
                    }

                    using (client)
                    {
                        Interlocked.Increment(ref _requests);
                        var stream = client.GetStream();
                        using var reader = new StreamReader(stream, System.Text.Encoding.ASCII, false, 1024, leaveOpen: true);
                        var requestLine = await reader.ReadLineAsync() ?? string.Empty;
                        while (!string.IsNullOrEmpty(await reader.ReadLineAsync()))
                        {
                        }

                        var path = requestLine.Split(' ').ElementAtOrDefault(1) ?? string.Empty;
                        var body = System.Text.Encoding.UTF8.GetBytes(path.EndsWith("/keys", StringComparison.Ordinal) ? keys : configuration);
                        var head = System.Text.Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                        await stream.WriteAsync(head);
                        await stream.WriteAsync(body);
                        await stream.FlushAsync();
                    }
                }
            });
        }

        public Uri ConfigurationUri { get; private init; } = null!;

        public int Requests => Volatile.Read(ref _requests);

        public static Task<LoopbackIssuer> StartAsync(Microsoft.IdentityModel.Tokens.RsaSecurityKey key)
        {
            var tcp = new TcpListener(IPAddress.Loopback, 0);
            tcp.Start();
            var prefix = $"http://127.0.0.1:{((IPEndPoint)tcp.LocalEndpoint).Port}/";
            var jwk = Microsoft.IdentityModel.Tokens.JsonWebKeyConverter.ConvertFromRSASecurityKey(
                new Microsoft.IdentityModel.Tokens.RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
            var keys = System.Text.Json.JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = jwk.Kid, n = jwk.N, e = jwk.E } } });
            var configuration = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["issuer"] = "https://issuer.example",
                ["jwks_uri"] = prefix + "keys",
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            });
            return Task.FromResult(new LoopbackIssuer(tcp, configuration, keys) { ConfigurationUri = new Uri(prefix + ".well-known/openid-configuration") });
        }

        public static string Token(Microsoft.IdentityModel.Tokens.SecurityKey key, string issuer, string audience, DateTime expires) =>
            new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
            {
                Issuer = issuer,
                Audience = audience,
                IssuedAt = expires.AddHours(-2),
                NotBefore = expires.AddHours(-2),
                Expires = expires,
                SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(key, Microsoft.IdentityModel.Tokens.SecurityAlgorithms.RsaSha256),
            });

        public async ValueTask DisposeAsync()
        {
            _tcp.Stop();
            await _loop;
        }
    }
}
