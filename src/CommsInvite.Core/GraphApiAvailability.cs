namespace CommsInvite.Core;

/// <summary>Graph APIs that Graph documents for some clouds only.</summary>
internal enum GraphApi
{
    /// <summary>/admin/teams/telephoneNumberManagement: numberAssignments, assignNumber, unassignNumber, updateNumber, operations.</summary>
    TelephoneNumberManagement,

    /// <summary>/admin/teams/userConfigurations.</summary>
    TeamsUserConfigurations,
}

/// <summary>
/// Which Graph API exists in which cloud, from the "national cloud deployments" table on each API's page. A command
/// built on an API its connection's cloud lacks stops before any request: the national cloud would answer with an
/// error that says less, after the command may already have read or changed other things.
/// </summary>
internal static class GraphApiAvailability
{
    public static bool IsAvailable(GraphApi api, CloudEnvironment cloud) => api switch
    {
        // Both pages: Global service yes; US Government L4, US Government L5 (DOD), China operated by 21Vianet no.
        GraphApi.TelephoneNumberManagement or GraphApi.TeamsUserConfigurations => cloud is CloudEnvironment.Global or CloudEnvironment.Emulator,
        _ => true,
    };

    /// <summary>
    /// NotAvailableInCloud (InvalidOperation: the command exists, the connection's cloud does not offer what it
    /// needs) unless <paramref name="endpoints"/>' cloud has <paramref name="api"/>. The message names the
    /// MicrosoftTeams cmdlet that does the same work in that cloud.
    /// </summary>
    public static void EnsureAvailable(CloudEndpoints endpoints, GraphApi api, string microsoftTeamsCommand)
    {
        var cloud = endpoints.ApiCloud;
        if (IsAvailable(api, cloud))
        {
            return;
        }

        throw new CommsInviteException(
            ErrorIds.Graph.NotAvailableInCloud,
            FailureCategory.InvalidOperation,
            $"{Describe(api)} is documented for Graph's global service only, not for {Describe(cloud)}, so nothing was sent. " +
            $"In this cloud use MicrosoftTeams\\{microsoftTeamsCommand} (Connect-MicrosoftTeams -TeamsEnvironmentName {TeamsEnvironmentName(cloud)}).",
            cloud.ToString());
    }

    private static string Describe(GraphApi api) => api switch
    {
        GraphApi.TelephoneNumberManagement => "Graph's Teams telephone number management (admin/teams/telephoneNumberManagement)",
        GraphApi.TeamsUserConfigurations => "Graph's Teams user configurations (admin/teams/userConfigurations)",
        _ => api.ToString(),
    };

    private static string Describe(CloudEnvironment cloud) => cloud switch
    {
        CloudEnvironment.USGov => "US Government L4 (USGov)",
        CloudEnvironment.USGovDoD => "US Government L5 (USGovDoD)",
        CloudEnvironment.China => "China operated by 21Vianet",
        _ => cloud.ToString(),
    };

    /// <summary>MicrosoftTeams' name for the cloud (Connect-MicrosoftTeams -TeamsEnvironmentName).</summary>
    private static string TeamsEnvironmentName(CloudEnvironment cloud) => cloud switch
    {
        CloudEnvironment.USGov => "TeamsGCCH",
        CloudEnvironment.USGovDoD => "TeamsDOD",
        CloudEnvironment.China => "TeamsChina",
        _ => "TeamsGlobal",
    };
}
