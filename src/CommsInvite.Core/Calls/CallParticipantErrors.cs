using System.Net;

namespace CommsInvite.Core.Calls;

/// <summary>The not-found errors of ending calls and removing participants, with the service's trace kept inside.</summary>
internal static class CallParticipantErrors
{
    public static CommsInviteException CallNotFound(string callId, GraphServiceException inner) =>
        new GraphServiceException(
            ErrorIds.Calls.CallNotFound, FailureCategory.ObjectNotFound,
            $"Call {callId} was not found: it has ended or never existed. ({inner.Message})",
            HttpStatusCode.NotFound, inner.GraphCode, inner.RequestId, inner.ClientRequestId, inner.Date, targetObject: callId, innerException: inner);

    public static CommsInviteException ParticipantNotFound(string callId, string participantId, GraphServiceException inner) =>
        new GraphServiceException(
            ErrorIds.Calls.ParticipantNotFound, FailureCategory.ObjectNotFound,
            $"Participant {participantId} is not in call {callId}: they left, were removed, or were never there. ({inner.Message})",
            HttpStatusCode.NotFound, inner.GraphCode, inner.RequestId, inner.ClientRequestId, inner.Date, targetObject: participantId, innerException: inner);
}
