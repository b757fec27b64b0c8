using CommsInvite.Core.Notifications;
using Xunit;

namespace CommsInvite.Core.Tests.Notifications;

public sealed class NotificationTokenValidatorTests : IClassFixture<IssuerFixture>
{
    private readonly SigningKey _issuerKey;
    private readonly SigningKey _attackerKey;
    private readonly OpenIdTestServer _server;
    private readonly HttpClient _http;

    public NotificationTokenValidatorTests(IssuerFixture fixture)
    {
        _issuerKey = fixture.IssuerKey;
        _attackerKey = fixture.AttackerKey;
        _server = fixture.Server;
        _http = fixture.Http;
    }

    private NotificationTokenValidator Validator(TimeSpan? minimumRefresh = null) =>
        new(_server.ValidatorOptions(minimumRefresh), _http);

    [Fact]
    public async Task ATokenFromTheIssuerForThisAppIsValid()
    {
        var result = await Validator().ValidateAuthorizationHeaderAsync(
            "Bearer " + _issuerKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId));

        Assert.True(result.IsValid, result.Message);
        Assert.Equal(TokenRejectionReason.None, result.Reason);
        Assert.Equal(OpenIdTestServer.Issuer, result.Issuer);
        Assert.Equal("issuer-key-1", result.KeyId);
        Assert.Equal(new[] { OpenIdTestServer.AppId }, result.Audiences);
    }

    [Fact]
    public async Task KeysAreFetchedOnceAndCached()
    {
        var validator = Validator();
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await validator.ValidateTokenAsync(_issuerKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId))).IsValid);
        }

        Assert.Equal(1, validator.KeyFetchCount);
    }

    [Fact]
    public async Task ATokenSignedWithAnotherKeyUnderTheIssuersKidIsBadSignature()
    {
        var result = await Validator().ValidateTokenAsync(_attackerKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId));

        Assert.Equal(TokenRejectionReason.BadSignature, result.Reason);
    }

    [Fact]
    public async Task AnUnknownKidRefreshesTheKeysOnceThenIsBadSignature()
    {
        var validator = Validator(minimumRefresh: TimeSpan.Zero);

        var result = await validator.ValidateTokenAsync(
            _attackerKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId, keyIdOverride: "attacker-kid"));

        Assert.Equal(TokenRejectionReason.BadSignature, result.Reason);
        Assert.Equal(2, validator.KeyFetchCount); // the first fetch, and exactly one refresh
    }

    [Fact]
    public async Task UnknownKidsCannotForceFetchesFasterThanTheMinimumInterval()
    {
        var validator = Validator(minimumRefresh: TimeSpan.FromHours(1));
        for (var i = 0; i < 5; i++)
        {
            var result = await validator.ValidateTokenAsync(
                _attackerKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId, keyIdOverride: "random-" + i));
            Assert.Equal(TokenRejectionReason.BadSignature, result.Reason);
        }

        Assert.Equal(1, validator.KeyFetchCount);
    }

    [Fact]
    public async Task ARolledOverKeyIsPickedUpByTheRefresh()
    {
        await using var server = await OpenIdTestServer.StartAsync(_issuerKey);
        using var http = server.CreatePinnedClient();
        var validator = new NotificationTokenValidator(server.ValidatorOptions(minimumRefresh: TimeSpan.Zero), http);
        Assert.True((await validator.ValidateTokenAsync(_issuerKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId))).IsValid);

        using var nextKey = new SigningKey("issuer-key-2");
        server.Publish(_issuerKey, nextKey);
        var result = await validator.ValidateTokenAsync(nextKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId));

        Assert.True(result.IsValid, result.Message);
        Assert.Equal(2, validator.KeyFetchCount);
    }

    [Fact]
    public async Task AnExpiredTokenIsExpired()
    {
        var token = _issuerKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId,
            notBefore: DateTime.UtcNow.AddHours(-2), expires: DateTime.UtcNow.AddMinutes(-10));

        Assert.Equal(TokenRejectionReason.Expired, (await Validator().ValidateTokenAsync(token)).Reason);
    }

    [Fact]
    public async Task ATokenExpiredWithinTheClockSkewIsStillValid()
    {
        var token = _issuerKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId,
            notBefore: DateTime.UtcNow.AddHours(-1), expires: DateTime.UtcNow.AddSeconds(-20));

        Assert.True((await Validator().ValidateTokenAsync(token)).IsValid);
    }

    [Fact]
    public async Task AFutureTokenIsNotYetValid()
    {
        var token = _issuerKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId,
            notBefore: DateTime.UtcNow.AddMinutes(30), expires: DateTime.UtcNow.AddHours(2));

        Assert.Equal(TokenRejectionReason.NotYetValid, (await Validator().ValidateTokenAsync(token)).Reason);
    }

    [Fact]
    public async Task ATokenForAnotherAppIsWrongAudience()
    {
        var result = await Validator().ValidateTokenAsync(
            _issuerKey.CreateToken(OpenIdTestServer.Issuer, "00000000-0000-0000-0000-00000000beef"));

        Assert.Equal(TokenRejectionReason.WrongAudience, result.Reason);
        Assert.Contains("00000000-0000-0000-0000-00000000beef", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATokenFromAnotherIssuerIsWrongIssuer()
    {
        var result = await Validator().ValidateTokenAsync(
            _issuerKey.CreateToken("https://sts.windows.net/someone-else/", OpenIdTestServer.AppId));

        Assert.Equal(TokenRejectionReason.WrongIssuer, result.Reason);
    }

    [Fact]
    public async Task AnotherIssuerIsAcceptedWhenConfigured()
    {
        var options = _server.ValidatorOptions();
        options.ValidIssuers.Add("https://graph.microsoft.com");

        var result = await new NotificationTokenValidator(options, _http).ValidateTokenAsync(
            _issuerKey.CreateToken("https://graph.microsoft.com", OpenIdTestServer.AppId));

        Assert.True(result.IsValid, result.Message);
    }

    [Fact]
    public async Task AnAlgNoneTokenIsUnsigned()
    {
        var result = await Validator().ValidateTokenAsync(UnsignedTokens.AlgNone(OpenIdTestServer.Issuer, OpenIdTestServer.AppId));

        Assert.Equal(TokenRejectionReason.Unsigned, result.Reason);
    }

    [Fact]
    public async Task AValidTokenWithItsSignatureStrippedIsUnsigned()
    {
        var token = _issuerKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId);

        var result = await Validator().ValidateTokenAsync(token.Substring(0, token.LastIndexOf('.') + 1));

        Assert.Equal(TokenRejectionReason.Unsigned, result.Reason);
    }

    [Fact]
    public async Task AnHmacTokenIsBadSignature()
    {
        var result = await Validator().ValidateTokenAsync(UnsignedTokens.Hs256(OpenIdTestServer.Issuer, OpenIdTestServer.AppId));

        Assert.Equal(TokenRejectionReason.BadSignature, result.Reason);
    }

    [Fact]
    public async Task ATamperedPayloadIsBadSignature()
    {
        var token = _issuerKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId);
        var other = _issuerKey.CreateToken(OpenIdTestServer.Issuer, "another-app");
        var parts = token.Split('.');
        var tampered = parts[0] + "." + other.Split('.')[1] + "." + parts[2];

        var result = await Validator().ValidateTokenAsync(tampered);

        Assert.Equal(TokenRejectionReason.BadSignature, result.Reason);
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln")]
    public async Task GarbageIsMalformed(string token)
    {
        var result = await Validator().ValidateTokenAsync(token);

        Assert.Equal(TokenRejectionReason.Malformed, result.Reason);
        Assert.DoesNotContain(token, result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer")]
    [InlineData("Bearer   ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task AMissingOrNonBearerHeaderIsMissing(string? header)
    {
        Assert.Equal(TokenRejectionReason.Missing, (await Validator().ValidateAuthorizationHeaderAsync(header)).Reason);
    }

    [Fact]
    public async Task AnUnreachableIssuerIsKeysUnavailableNotAForgery()
    {
        await using var server = await OpenIdTestServer.StartAsync(_issuerKey);
        using var http = server.CreatePinnedClient();
        server.Available = false;

        var result = await new NotificationTokenValidator(server.ValidatorOptions(), http).ValidateTokenAsync(_issuerKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId));

        Assert.Equal(TokenRejectionReason.KeysUnavailable, result.Reason);
        Assert.Contains("503", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailingIssuerIsNotAskedAgainOnEveryRequest()
    {
        await using var server = await OpenIdTestServer.StartAsync(_issuerKey);
        using var http = server.CreatePinnedClient();
        server.Available = false;
        var validator = new NotificationTokenValidator(server.ValidatorOptions(minimumRefresh: TimeSpan.FromHours(1)), http);

        for (var i = 0; i < 4; i++)
        {
            var result = await validator.ValidateTokenAsync(_issuerKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId));
            Assert.Equal(TokenRejectionReason.KeysUnavailable, result.Reason);
        }

        Assert.Equal(1, validator.KeyFetchCount);
    }

    [Fact]
    public async Task KeysAlreadyFetchedStayInUseWhileTheIssuerIsDown()
    {
        await using var server = await OpenIdTestServer.StartAsync(_issuerKey);
        using var http = server.CreatePinnedClient();
        var options = server.ValidatorOptions(minimumRefresh: TimeSpan.Zero);
        var validator = new NotificationTokenValidator(options, http);
        Assert.True((await validator.ValidateTokenAsync(_issuerKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId))).IsValid);

        server.Available = false;
        options.KeyCacheLifetime = TimeSpan.Zero; // every validation now wants fresh keys, and fails to get them

        var result = await validator.ValidateTokenAsync(_issuerKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId));

        Assert.True(result.IsValid, result.Message);
        Assert.Equal(2, validator.KeyFetchCount);
    }

    [Fact]
    public async Task AnUntrustedIssuerCertificateIsKeysUnavailable()
    {
        // The caller's HttpClient decides TLS trust: pinned to another thumbprint, the issuer is not believed.
        using var wronglyPinned = TestCertificates.PinnedClient(new string('A', 40));
        var validator = new NotificationTokenValidator(_server.ValidatorOptions(), wronglyPinned);

        var result = await validator.ValidateTokenAsync(_issuerKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId));

        Assert.Equal(TokenRejectionReason.KeysUnavailable, result.Reason);
    }

    [Fact]
    public void AnAppIdIsRequired()
    {
        var options = _server.ValidatorOptions();
        options.AppId = " ";

        var error = Assert.Throws<CommsValidationException>(() => new NotificationTokenValidator(options, _http));
        Assert.Equal("AppId", error.ParameterName);
    }

    [Theory]
    [InlineData("http://keys.example.com/.well-known/openid-configuration")]
    [InlineData("ftp://127.0.0.1/keys")]
    public void KeysAreNeverFetchedOverPlainHttpFromAnotherMachine(string address)
    {
        var options = _server.ValidatorOptions();
        options.OpenIdConfigurationUri = new Uri(address);

        var error = Assert.Throws<CommsValidationException>(() => new NotificationTokenValidator(options, _http));
        Assert.Equal("OpenIdConfigurationUri", error.ParameterName);
    }
}
