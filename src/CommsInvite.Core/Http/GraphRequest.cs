using System;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CommsInvite.Core.Http;

/// <summary>One logical Graph request (retries re-send the same one).</summary>
internal sealed class GraphRequest
{
    public GraphRequest(HttpMethod method, Uri uri, RequestSafety safety, object? body = null)
    {
        Method = method;
        Uri = uri;
        Safety = safety;
        Body = body;
    }

    public HttpMethod Method { get; }

    public Uri Uri { get; }

    public RequestSafety Safety { get; }

    /// <summary>A model serialised with <see cref="GraphJson.Options"/>, a string, or UTF-8 bytes sent as they are.</summary>
    public object? Body { get; }

    /// <summary>Object the request concerns, put on errors as TargetObject.</summary>
    public object? Target { get; set; }
}

/// <summary>A successful (2xx) response, fully read.</summary>
internal sealed class GraphResponse
{
    private string? _body;

    public HttpStatusCode StatusCode { get; init; }

    /// <summary>The body as UTF-8 bytes (a byte-order mark already skipped).</summary>
    public ReadOnlyMemory<byte> Content { get; init; }

    /// <summary>The body as text, decoded only when someone asks (most callers only deserialize).</summary>
    public string Body => _body ??= Encoding.UTF8.GetString(Content.ToArray());

    public Uri? Location { get; init; }

    public string? RequestId { get; init; }

    public string? ClientRequestId { get; init; }

    public Uri RequestUri { get; init; } = null!;

    /// <summary>Retry-After on a success (202 "not yet"), when the service sent one.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public T Read<T>()
        where T : class =>
        Parse(content => (T?)JsonSerializer.Deserialize(content.Span, GraphJson.Options.GetTypeInfo(typeof(T))));

    public T Read<T>(JsonTypeInfo<T> typeInfo)
        where T : class =>
        Parse(content => JsonSerializer.Deserialize(content.Span, typeInfo));

    /// <summary>Reads the body with <paramref name="parse"/>; malformed JSON becomes an InvalidResponse error.</summary>
    public T Parse<T>(Func<ReadOnlyMemory<byte>, T?> parse)
        where T : class
    {
        try
        {
            return parse(Content) ?? throw new JsonException("The body is empty.");
        }
        catch (JsonException ex)
        {
            throw new GraphServiceException(
                ErrorIds.Graph.InvalidResponse,
                FailureCategory.InvalidResult,
                $"Graph answered {(int)StatusCode} to {RequestUri.AbsolutePath} with a body that is not a valid {typeof(T).Name}: {ex.Message}",
                StatusCode,
                null,
                RequestId,
                ClientRequestId,
                null,
                innerException: ex);
        }
    }
}
