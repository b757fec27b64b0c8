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
        : base(ErrorIds.Calls.InviteOperationFailed, FailureCategory.InvalidResult, message, targetObject)
    {
        ResultInfo = resultInfo;
    }

    public ResultInfo? ResultInfo { get; }

    /// <summary>The service's diagnostic code in the resultInfo message ("412#10073"), or null.</summary>
    public string? DiagnosticCode => Calls.DiagnosticCodes.Parse(ResultInfo?.Message);
}
