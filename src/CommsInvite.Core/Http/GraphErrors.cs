using System;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using CommsInvite.Core.Models;

namespace CommsInvite.Core.Http;

/// <summary>The one place a failed Graph request becomes a <see cref="GraphServiceException"/> with a stable id.</summary>
internal static class GraphErrors
{
    /// <summary>No response came back (connection refused or lost, attempt timed out).</summary>
    public static GraphServiceException FromTransport(GraphRequest request, Exception failure, GraphRequestContext context) =>
        new(
            ErrorIds.Graph.GraphRequestFailed,
            FailureCategory.ConnectionError,
            $"{Describe(request)} failed: {failure.Message} (client-request-id {context.ClientRequestId}).",
            null,
            null,
            null,
            context.ClientRequestId,
            null,
            null,
            request.Target,
            failure)
        {
            MayHaveBeenProcessed = context.MayHaveBeenProcessed,
        };

    /// <summary>A non-success answer, with Graph's error body when it has one.</summary>
    public static GraphServiceException FromResponse(GraphRequest request, HttpResponseMessage response, ReadOnlySpan<byte> body, GraphRequestContext context)
    {
        var failure = context.BodyFailure;
        var status = response.StatusCode;
        var error = ReadError(body);
        var requestId = error?.InnerError?.RequestId ?? Header(response, "request-id");
        var clientRequestId = error?.InnerError?.ClientRequestId ?? Header(response, "client-request-id") ?? context.ClientRequestId;
        var date = response.Headers.Date;
        if (error?.InnerError?.Date is { } dateText && DateTimeOffset.TryParse(dateText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            date = parsed;
        }

        var retryAfter = RetryDecisions.RetryAfterOf(response);
        var code = (int)status;
        var (errorId, category) = Classify(code, error?.Code);
        var message = new StringBuilder()
            .Append(Describe(request)).Append(" failed with HTTP ").Append(code).Append(' ').Append(ReasonOf(status));
        if (error?.Code is not null)
        {
            message.Append(", code ").Append(error.Code);
        }

        if (!string.IsNullOrWhiteSpace(error?.Message))
        {
            message.Append(": ").Append(error!.Message!.Trim().TrimEnd('.')).Append('.');
        }
        else if (failure is not null)
        {
            message.Append(": the response body could not be read (").Append(failure.Message).Append(").");
        }
        else
        {
            message.Append('.');
        }

        message.Append(" request-id ").Append(requestId ?? "-").Append(", client-request-id ").Append(clientRequestId).Append('.');
        if (retryAfter is { } wait)
        {
            message.Append(" Retry-After ").Append(wait.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)).Append(" s.");
        }

        return new GraphServiceException(errorId, category, message.ToString(), status, error?.Code, requestId, clientRequestId, date, retryAfter, request.Target, failure)
        {
            MayHaveBeenProcessed = context.MayHaveBeenProcessed,
        };
    }

    internal static (string ErrorId, FailureCategory Category) Classify(int status, string? graphCode)
    {
        if (graphCode == "8522")
        {
            return (ErrorIds.Calls.CallNotFound, FailureCategory.ObjectNotFound);
        }

        return status switch
        {
            400 => (ErrorIds.Graph.GraphRequestFailed, FailureCategory.InvalidArgument),
            401 => (ErrorIds.Connection.AuthenticationFailed, FailureCategory.AuthenticationError),
            403 => (ErrorIds.Graph.PermissionDenied, FailureCategory.PermissionDenied),
            404 => (ErrorIds.Graph.GraphRequestFailed, FailureCategory.ObjectNotFound),
            409 => (ErrorIds.Graph.GraphRequestFailed, FailureCategory.ResourceExists),
            429 => (ErrorIds.Graph.Throttled, FailureCategory.LimitsExceeded),
            502 or 503 or 504 => (ErrorIds.Graph.GraphRequestFailed, FailureCategory.ConnectionError),
            _ => (ErrorIds.Graph.GraphRequestFailed, FailureCategory.InvalidResult),
        };
    }

    /// <summary>Graph's error envelope, or null for a proxy's HTML page, a truncated body or none.</summary>
    private static GraphErrorBody? ReadError(ReadOnlySpan<byte> body)
    {
        try
        {
            return body.IsEmpty ? null : JsonSerializer.Deserialize(body, GraphJsonContext.Default.GraphErrorEnvelope)?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Describe(GraphRequest request) => $"{request.Method} {request.Uri.PathAndQuery}";

    private static string ReasonOf(HttpStatusCode status) => status switch
    {
        (HttpStatusCode)429 => "Too Many Requests",
        _ => status.ToString(),
    };

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
}
