using CommsInvite.Core.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Xunit;

namespace CommsInvite.Core.Tests;

/// <summary>Connections and readiness read permissions from any token: roles (app-only) or scp (delegated), and the user.</summary>
public sealed class TokenClaimsTests
{
    private static string Token(string payload) => new JsonWebTokenHandler().CreateToken(payload);

    [Fact]
    public void AppOnlyToken_HasRolesAndNoScopes()
    {
        var claims = TokenClaims.Read(Token("{\"tid\":\"t1\",\"appid\":\"a1\",\"roles\":[\"Calls.InitiateGroupCall.All\",\"User.Read.All\"]}"));
        Assert.True(claims.Readable);
        Assert.True(claims.IsAppOnly);
        Assert.Equal("t1", claims.TenantId);
        Assert.Equal("a1", claims.AppId);
        Assert.True(claims.MayHold(new[] { "User.ReadWrite.All", "user.read.all" }));
        Assert.False(claims.MayHold(new[] { "TeamsUserConfiguration.Read.All" }));
    }

    [Fact]
    public void DelegatedToken_ReadsSpaceSeparatedScopes()
    {
        var claims = TokenClaims.Read(Token("{\"tid\":\"t2\",\"azp\":\"a2\",\"scp\":\"User.Read.All TeamsUserConfiguration.Read.All\"}"));
        Assert.False(claims.IsAppOnly);
        Assert.Equal("a2", claims.AppId);
        Assert.Equal(new[] { "User.Read.All", "TeamsUserConfiguration.Read.All" }, claims.Scopes);
        Assert.True(claims.MayHold(new[] { "TeamsUserConfiguration.Read.All" }));
        Assert.False(claims.MayHold(new[] { "TeamsTelephoneNumber.Read.All" }));
    }

    [Fact]
    public void OpaqueToken_IsUnreadable_AndMayHoldAnything()
    {
        var claims = TokenClaims.Read("not-a-jwt");
        Assert.False(claims.Readable);
        Assert.True(claims.MayHold(new[] { "Anything.All" }));
    }
}
