using CommsInvite.Core.Auth;
using Xunit;

namespace CommsInvite.Core.Tests;

/// <summary>The table each Graph cmdlet's connection is checked against before any request.</summary>
public sealed class CommandPermissionTests
{
    private static GraphContext User(params string[] scopes) => new() { Name = "Admin", AuthType = "DeviceCode", Account = "admin@contoso.onmicrosoft.com", Scopes = scopes };

    private static GraphContext App(params string[] roles) => new() { Name = "Bot", AuthType = "Certificate", Roles = roles };

    [Theory]
    [InlineData("New-CsGraphCall")]
    [InlineData("Invoke-CsGraphParticipantInvite")]
    [InlineData("Wait-CsGraphInviteOperation")]
    [InlineData("Get-CsGraphCall")]
    [InlineData("Get-CsGraphCallParticipant")]
    [InlineData("Remove-CsGraphCall")]
    [InlineData("Remove-CsGraphCallParticipant")]
    public void A_user_is_refused_by_the_calling_cmdlets(string cmdlet)
    {
        var refusal = CommandPermissions.Check(cmdlet, User("LicenseAssignment.ReadWrite.All"));
        Assert.NotNull(refusal);
        Assert.Equal(PermissionRefusalKind.ApplicationOnly, refusal!.Kind);
    }

    [Fact]
    public void A_missing_scope_is_a_scope_refusal_and_a_held_one_passes()
    {
        var refusal = CommandPermissions.Check("Set-CsPhoneNumberAssignment", User("User.ReadWrite.All", "LicenseAssignment.ReadWrite.All"));
        Assert.NotNull(refusal);
        Assert.Equal(PermissionRefusalKind.MissingScope, refusal!.Kind);
        Assert.Equal(new[] { "TeamsTelephoneNumber.ReadWrite.All" }, refusal.Needed);
        Assert.Null(CommandPermissions.Check("Set-CsPhoneNumberAssignment", User("teamstelephonenumber.readwrite.all")));
        Assert.Null(CommandPermissions.Check("Get-CsPhoneNumberAssignment", User("TeamsTelephoneNumber.Read.All")));
        Assert.Equal(PermissionRefusalKind.MissingScope, CommandPermissions.Check("Set-CsGraphUserLicense", User("User.ReadWrite.All"))!.Kind);
    }

    [Fact]
    public void A_missing_role_is_a_role_refusal_and_a_held_one_passes()
    {
        var refusal = CommandPermissions.Check("Invoke-CsGraphParticipantInvite", App("Calls.JoinGroupCall.All"));
        Assert.NotNull(refusal);
        Assert.Equal(PermissionRefusalKind.MissingRole, refusal!.Kind);
        Assert.Equal(new[] { "Calls.InitiateGroupCall.All" }, refusal.Needed);
        Assert.Null(CommandPermissions.Check("Invoke-CsGraphParticipantInvite", App("Calls.InitiateGroupCall.All")));
        Assert.Null(CommandPermissions.Check("Set-CsGraphUserLicense", App("LicenseAssignment.ReadWrite.All")));
        Assert.Null(CommandPermissions.Check("Get-CsOnlineApplicationInstance", App()));
    }
}
