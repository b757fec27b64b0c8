using System;
using System.Collections.Generic;
using System.Globalization;
using CommsInvite.Core.Models;

namespace CommsInvite.Core.Calls;

/// <summary>
/// The service's refusals of a bot that is not ready to call, each with its likely cause and fix. Keyed by the Graph
/// error code, the diagnostic code ("412#10073") or resultInfo code#subcode, and the module's own error ids: never by
/// message text, which the service words differently over time. docs/troubleshooting.md is the same table for people,
/// with the source of each row.
/// </summary>
internal static class ServiceRefusals
{
    private const string Readiness = " Run Test-CsGraphBotReadiness -Identity <the bot's application instance> to check the whole setup.";

    private static readonly Dictionary<string, string> ByCode = new(StringComparer.OrdinalIgnoreCase)
    {
        ["7503"] = "The service does not know this app as a calling bot: calling is not enabled on its Teams channel, or it has no calling webhook. In the Azure Bot resource of this app id, open Channels > Microsoft Teams > Calling, tick Enable calling and set the webhook (your callback URI), then try again after a few minutes.",
        ["7504"] = "The app lacks admin-consented calling permissions in this tenant. Grant the application permissions Calls.InitiateGroupCall.All (and Calls.JoinGroupCall.All to join meetings) in Entra admin center > App registrations > API permissions, click Grant admin consent, then run Connect-CsGraph again for a new token.",
        ["7505"] = "The token's tenant is not the tenant of the call: the app signed in to another tenant, or the request named another tenantId. Run Connect-CsGraph -TenantId with the tenant that holds the bot's application instance (and the meeting), and make sure the app is consented there.",
        ["7507"] = "The call's source identity is not valid for a PSTN call: the application instance must belong to this app (its ApplicationId is the client id you connected with), be synced, and hold a PHONESYSTEM_VIRTUALUSER licence and a phone number. Fix it with Set-CsOnlineApplicationInstance -ApplicationId, Sync-CsOnlineApplicationInstance, Set-CsGraphUserLicense and Set-CsPhoneNumberAssignment.",
        ["412#10073"] = "The PSTN leg has no sponsor: the call's source application instance has no usable phone number (none assigned, not activated, or a number type a resource account cannot hold), or lacks a Calling Plan or Communications Credits licence. Assign one with Set-CsPhoneNumberAssignment -NumberType CallingPlan (a number whose capabilities include voiceApplicationAssignment), license it with Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1, and create the call with -SourceApplicationInstanceId.",
        ["403#10151"] = "The call lacks what a PSTN dial-out needs: create it with the application instance as its source (New-CsGraphCall -SourceApplicationInstanceId), from an instance with a phone number, a usage location, and a Calling Plan or Communications Credits licence.",
        [ErrorIds.Licenses.UsageLocationMissing] = "The account has no usage location, which licences and Calling Plan numbers need. Set one with Set-CsGraphUserLicense -UsageLocation US (your country's two-letter code) or in the Microsoft 365 admin center > Users > the account > Usage location.",
    };

    /// <summary>The likely cause and fix of a refusal, or null when the failure is not one of the known refusals.</summary>
    public static string? RecommendedAction(CommsInviteException? exception) => exception switch
    {
        GraphServiceException graph => Find(graph.GraphCode),
        InviteFailedException failed => RecommendedAction(failed.ResultInfo),
        null => null,
        _ => Find(exception.ErrorId) ?? RecommendedAction(exception.InnerException as CommsInviteException),
    };

    /// <summary>The likely cause and fix of a failed operation's or call's resultInfo, or null.</summary>
    public static string? RecommendedAction(ResultInfo? resultInfo)
    {
        if (resultInfo is null) return null;
        return Find(DiagnosticCodes.Parse(resultInfo.Message))
            ?? Find(string.Format(CultureInfo.InvariantCulture, "{0}#{1}", resultInfo.Code, resultInfo.Subcode));
    }

    private static string? Find(string? code) =>
        code is not null && ByCode.TryGetValue(code, out var action) ? action + Readiness : null;
}
