namespace CommsInvite.Emulator;

/// <summary>Well-known identifiers of the emulator (development values only, never real ones).</summary>
public static class EmulatorDefaults
{
    /// <summary>The seeds' tenant id.</summary>
    public const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    /// <summary>The well-known development client registered in every emulator.</summary>
    public const string ClientId = "8f3c0a2e-5b7d-4e1a-9c6f-2d4b8e0a1c37";

    /// <summary>Secret of the development client (emulator only, published on purpose).</summary>
    public const string ClientSecret = "CommsInvite-Emulator-Dev-Secret";

    /// <summary>The application id that the managed identity endpoint issues tokens for.</summary>
    public const string ManagedIdentityClientId = "4a6e2d1c-7b3f-4c8e-9a5d-1f0b2c3d4e5f";

    /// <summary>
    /// A public client ("Mobile and desktop applications", public client flows allowed) through which users sign in;
    /// the tenant has consented to <see cref="PublicClientScopes"/> for it.
    /// </summary>
    public const string PublicClientId = "2b7e4c1a-9d3f-4a6b-8e5c-0f1d2a3b4c5d";

    /// <summary>Delegated permissions consented for the public client.</summary>
    public static readonly IReadOnlyList<string> PublicClientScopes = new[]
    {
        "User.Read", "User.Read.All", "User.ReadWrite.All", "Organization.Read.All", "LicenseAssignment.Read.All",
        "LicenseAssignment.ReadWrite.All", "TeamsTelephoneNumber.Read.All", "TeamsTelephoneNumber.ReadWrite.All",
        "TeamsUserConfiguration.Read.All",
    };

    /// <summary>A seeded administrator who may provision (licences, users, numbers) when signed in.</summary>
    public const string AdminUserId = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";

    public static readonly IReadOnlyList<string> AdminUserRoles = new[]
    {
        "License Administrator", "User Administrator", "Teams Telephony Administrator",
    };

    /// <summary>Issuer of the notification tokens, as the real service uses.</summary>
    public const string NotificationIssuer = "https://api.botframework.com";

    public const string GraphResource = "https://graph.microsoft.com";
    public const string GraphResourceAppId = "00000003-0000-0000-c000-000000000000";

    /// <summary>Users that the seeds' examples invite.</summary>
    public static readonly IReadOnlyList<string> SeedUserIds = new[]
    {
        "278405a3-f568-4b3e-b684-009193463064",
        "7e1b4346-85a6-4bdd-abe3-d11c5d420efe",
        "1e126418-44a0-4a94-a6f8-0efe1ad71acb",
    };

    /// <summary>Further seeded directory users (10 users in all, the last one always declines).</summary>
    public static readonly IReadOnlyList<string> ExtraUserIds = new[]
    {
        "5d0b7a34-2f61-4c8e-b1a9-3e7c6d5f4a21",
        "a3c81f02-6e4d-4b7a-9d15-8c2e0f6b3a47",
        "c9e2d4f6-1a3b-4c5d-8e7f-0a1b2c3d4e58",
        "0f4e8d2c-9b1a-4e6f-a7c3-5d2e1f0a9b64",
        "6b2a9c8d-3e4f-4a1b-b5c6-7d8e9f0a1b75",
        "e7d6c5b4-a3f2-4e1d-8c9b-0a1f2e3d4c86",
    };

    /// <summary>A seeded user who declines every invite (operation fails with 410/301004).</summary>
    public const string DecliningUserId = "d3c1a9e7-5b2f-4d8c-9e6a-1b0f2c4d6e97";

    /// <summary>Resource names accepted in a token request's scope.</summary>
    public static readonly IReadOnlyList<string> AcceptedResources = new[] { GraphResource, GraphResourceAppId };

    /// <summary>Roles of the development client.</summary>
    public static readonly IReadOnlyList<string> DevClientRoles = new[]
    {
        "Calls.InitiateGroupCall.All", "Calls.Initiate.All", "Calls.JoinGroupCall.All", "Organization.Read.All",
        "User.ReadWrite.All", "LicenseAssignment.ReadWrite.All", "TeamsTelephoneNumber.ReadWrite.All",
        "TeamsAppInstance.ReadWrite.All", "TeamsUserConfiguration.Read.All",
    };

    public const string PhoneSystemVirtualUserSkuId = "440eaaa8-b3e0-484b-a8be-62870b9ba70a";
    public const string Mcopstn1SkuId = "0dab259f-bf13-4952-b7f8-7db8f131b28d";
    public const string Mcopstn2SkuId = "d3b4fe1f-9992-4930-8acb-ca6ec609365e";
    public const string McoevSkuId = "e43b5b99-8dfb-405f-9987-dc307f34bcbd";

    /// <summary>Unassigned calling-plan numbers the tenant holds at start.</summary>
    public static readonly IReadOnlyList<string> SeedPhoneNumbers = new[]
    {
        "+12345678901", "+12345678902", "+12345678903", "+14255550100", "+14255550101",
    };
}
