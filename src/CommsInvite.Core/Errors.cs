using System;
using System.Net;
using CommsInvite.Core.Models;

namespace CommsInvite.Core;

/// <summary>
/// What kind of failure an error is. Cmdlets map these one to one, by name, onto PowerShell's ErrorCategory,
/// so the core stays free of System.Management.Automation.
/// </summary>
public enum FailureCategory
{
    InvalidArgument,
    ObjectNotFound,
    PermissionDenied,
    AuthenticationError,
    ConnectionError,
    LimitsExceeded,
    OperationTimeout,
    InvalidOperation,
    InvalidData,
    ResourceExists,
    OperationStopped,
    InvalidResult,
}

/// <summary>Stable error ids: scripts and tests match on these, so never rename one.</summary>
internal static class ErrorIds
{
    public const string InvalidPhoneNumber = "InvalidPhoneNumber";
    public const string InvalidGuid = "InvalidGuid";
    public const string TooManyParticipants = "TooManyParticipants";
    public const string ReplacesCallIdWithMultipleParticipants = "ReplacesCallIdWithMultipleParticipants";
    public const string ClientContextTooLong = "ClientContextTooLong";
    public const string NoParticipants = "NoParticipants";
    public const string InvalidCallId = "InvalidCallId";
    public const string InvalidApiVersion = "InvalidApiVersion";
    public const string InvalidParticipant = "InvalidParticipant";
    public const string InvalidArgument = "InvalidArgument";
    public const string InvalidUri = "InvalidUri";
    public const string NotConnected = "NotConnected";

    /// <summary>The connection's cloud has no such Graph API (Graph documents it for the global service only); nothing was sent.</summary>
    public const string NotAvailableInCloud = "NotAvailableInCloud";
    public const string CallNotFound = "CallNotFound";
    public const string GraphRequestFailed = "GraphRequestFailed";
    public const string Throttled = "Throttled";
    public const string PermissionDenied = "PermissionDenied";
    public const string AuthenticationFailed = "AuthenticationFailed";
    public const string CertificateNotFound = "CertificateNotFound";
    public const string CertificateInvalid = "CertificateInvalid";
    public const string ManagedIdentityUnavailable = "ManagedIdentityUnavailable";
    public const string InviteOperationFailed = "InviteOperationFailed";
    public const string InviteWaitTimedOut = "InviteWaitTimedOut";

    /// <summary>An invite operation left undecided at the timeout because polling it kept failing (see the inner exception).</summary>
    public const string InviteWaitPollFailed = "InviteWaitPollFailed";

    /// <summary>
    /// An invite whose answer was lost could not be settled: the roster that says whom to invite again could not be read
    /// before the invite's deadline (the inner exception is the last failure).
    /// </summary>
    public const string InviteUnsettled = "InviteUnsettled";
    public const string CallEnded = "CallEnded";
    public const string OperationCancelled = "OperationCancelled";
    public const string EmulatorConnectionFileInvalid = "EmulatorConnectionFileInvalid";
    public const string SkuNotFound = "SkuNotFound";
    public const string NoLicensesAvailable = "NoLicensesAvailable";
    public const string UsageLocationMissing = "UsageLocationMissing";
    public const string UserNotFound = "UserNotFound";
    public const string NumberNotFound = "NumberNotFound";
    public const string NumberAssignedElsewhere = "NumberAssignedElsewhere";
    public const string NumberOperationFailed = "NumberOperationFailed";
    public const string NumberOperationTimedOut = "NumberOperationTimedOut";
    public const string UserPrincipalNameTaken = "UserPrincipalNameTaken";
    public const string ApplicationInstanceNotFound = "ApplicationInstanceNotFound";
    public const string ApplicationInstanceSyncTimedOut = "ApplicationInstanceSyncTimedOut";
    public const string InvalidResponse = "InvalidResponse";
    public const string ApplicationInstanceApiUnavailable = "ApplicationInstanceApiUnavailable";
    public const string InviteParticipantRemoved = "InviteParticipantRemoved";
    public const string DeviceCodeExpired = "DeviceCodeExpired";
    public const string ConsentRequired = "ConsentRequired";
    public const string BrowserUnavailable = "BrowserUnavailable";
    public const string SignInExpired = "SignInExpired";
    public const string ApplicationPermissionRequired = "ApplicationPermissionRequired";
    public const string PermissionMissing = "PermissionMissing";
    public const string ConnectionNotFound = "ConnectionNotFound";
}

/// <summary>Every failure the core reports: a stable id, a category, and the object it concerns.</summary>
public class CommsInviteException : Exception
{
    public CommsInviteException(string errorId, FailureCategory category, string message, object? targetObject = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorId = errorId;
        Category = category;
        TargetObject = targetObject;
    }

    public string ErrorId { get; }

    public FailureCategory Category { get; }

    public object? TargetObject { get; }
}

/// <summary>Bad input, detected before any request is sent.</summary>
public sealed class CommsValidationException : CommsInviteException
{
    public CommsValidationException(string errorId, string parameterName, string message, object? targetObject = null)
        : base(errorId, FailureCategory.InvalidArgument, message, targetObject)
    {
        ParameterName = parameterName;
    }

    /// <summary>The cmdlet/API parameter at fault (e.g. "PhoneNumber", "Participants").</summary>
    public string ParameterName { get; }
}

/// <summary>A failed Graph (or emulator) request, with everything support needs to trace it.</summary>
public sealed class GraphServiceException : CommsInviteException
{
    public GraphServiceException(
        string errorId,
        FailureCategory category,
        string message,
        HttpStatusCode? statusCode,
        string? graphCode,
        string? requestId,
        string? clientRequestId,
        DateTimeOffset? date,
        TimeSpan? retryAfter = null,
        object? targetObject = null,
        Exception? innerException = null)
        : base(errorId, category, message, targetObject, innerException)
    {
        StatusCode = statusCode;
        GraphCode = graphCode;
        RequestId = requestId;
        ClientRequestId = clientRequestId;
        Date = date;
        RetryAfter = retryAfter;
    }

    /// <summary>Null when no response came back (network failure).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>error.code of Graph's body (e.g. "8522", "7504", "Request_BadRequest").</summary>
    public string? GraphCode { get; }

    public string? RequestId { get; }

    public string? ClientRequestId { get; }

    public DateTimeOffset? Date { get; }

    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// True when a non-idempotent request failed in a way that leaves open whether the service acted on it
    /// (connection lost after sending, 5xx without Retry-After). Callers must look before re-sending.
    /// </summary>
    public bool MayHaveBeenProcessed { get; internal set; }
}

/// <summary>An invite operation that the service reported as failed.</summary>
public sealed class InviteFailedException : CommsInviteException
{
    public InviteFailedException(string message, ResultInfo? resultInfo, object? targetObject = null)
        : base(ErrorIds.InviteOperationFailed, FailureCategory.InvalidResult, message, targetObject)
    {
        ResultInfo = resultInfo;
    }

    public ResultInfo? ResultInfo { get; }

    /// <summary>The service's diagnostic code in the resultInfo message ("412#10073"), or null.</summary>
    public string? DiagnosticCode => Calls.DiagnosticCodes.Parse(ResultInfo?.Message);
}
