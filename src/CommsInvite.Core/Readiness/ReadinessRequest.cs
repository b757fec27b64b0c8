using System;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Validation;

namespace CommsInvite.Core.Readiness;

/// <summary>What Test-CsGraphBotReadiness was asked about, checked for form before any request.</summary>
internal sealed class ReadinessRequest
{
    private ReadinessRequest(string identity, string? phoneNumber, MeetingJoinTarget? meeting, Uri? callbackUri)
    {
        Identity = identity;
        PhoneNumber = phoneNumber;
        Meeting = meeting;
        CallbackUri = callbackUri;
    }

    /// <summary>The application instance: object id or user principal name.</summary>
    public string Identity { get; }

    public string? PhoneNumber { get; }

    public MeetingJoinTarget? Meeting { get; }

    public Uri? CallbackUri { get; }

    /// <summary>
    /// Malformed input stops here with a stable error id (InvalidGuid/InvalidArgument, InvalidPhoneNumber,
    /// InvalidMeetingLink..., InvalidUri). A well-formed callback that the service cannot reach (http, loopback, an IP
    /// literal, no DNS name) is not an input error: the CallbackUri check reports it.
    /// </summary>
    public static ReadinessRequest Create(string? identity, string? phoneNumber, string? joinWebUrl, string? callbackUri)
    {
        var trimmed = identity?.Trim();
        var id = InputRules.IsGuid(trimmed) ? trimmed! : InputRules.RequireUserPrincipalName(trimmed, "Identity");
        var number = phoneNumber is null ? null : InputRules.RequirePhoneNumber(phoneNumber, "PhoneNumber");
        var meeting = joinWebUrl is null ? null : MeetingJoinLinks.ParseJoinWebUrl(joinWebUrl, "JoinWebUrl");
        Uri? callback = null;
        // Only http(s) addresses are callbacks at all ("/callback" parses as a file URI on Unix); http is left to the
        // CallbackUri check, which explains why the service refuses it.
        if (callbackUri is not null && (string.IsNullOrWhiteSpace(callbackUri) || !Uri.TryCreate(callbackUri.Trim(), UriKind.Absolute, out callback)
            || (callback.Scheme != Uri.UriSchemeHttps && callback.Scheme != Uri.UriSchemeHttp)))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidUri, "CallbackUri", $"'{callbackUri}' is not an absolute http(s) URI.", callbackUri);
        }

        return new ReadinessRequest(id, number, meeting, callback);
    }
}
