using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace CommsInvite.Core.Http;

/// <summary>
/// Sends <see cref="GraphRequest"/>s through the connection's handler chain (see <see cref="GraphPipeline"/>) and
/// turns the answer into a <see cref="GraphResponse"/> or a <see cref="GraphServiceException"/>. Retrying, the
/// bearer token and Graph's headers are the handlers' work; this class only frames requests and reads answers.
/// </summary>
internal sealed class GraphHttpClient : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;

    public GraphHttpClient(HttpClient http, RequestStatistics statistics)
    {
        _http = http;
        Statistics = statistics;
    }

    public RequestStatistics Statistics { get; }

    public async Task<GraphResponse> SendAsync(GraphRequest request, CancellationToken cancellationToken)
    {
        var context = new GraphRequestContext(request.Safety, Guid.NewGuid().ToString());
        using var message = new HttpRequestMessage(request.Method, request.Uri);
        context.AttachTo(message);
        message.Headers.TryAddWithoutValidation("client-request-id", context.ClientRequestId);
        if (request.Body is { } body)
        {
            message.Content = new ByteArrayContent(Serialize(body));
            message.Content.Headers.ContentType = JsonType;
        }

        HttpResponseMessage response;
        try
        {
            // The retry handler has already read the body into memory (within the attempt's deadline).
            response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (RetryDecisions.IsTransportFailure(ex) || ex is TimeoutException)
        {
            throw GraphErrors.FromTransport(request, ex, context);
        }

        using (response)
        {
            var content = response.Content is null ? Array.Empty<byte>() : await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            var utf8 = WithoutByteOrderMark(content);
            if ((int)response.StatusCode is < 200 or >= 300)
            {
                throw GraphErrors.FromResponse(request, response, utf8.Span, context);
            }

            return new GraphResponse
            {
                StatusCode = response.StatusCode,
                Content = utf8,
                Location = response.Headers.Location is { } location
                    ? (location.IsAbsoluteUri ? location : new Uri(request.Uri, location))
                    : null,
                RequestId = Header(response, "request-id"),
                ClientRequestId = Header(response, "client-request-id") ?? context.ClientRequestId,
                RequestUri = request.Uri,
                RetryAfter = RetryDecisions.RetryAfterOf(response),
            };
        }
    }

    public void Dispose() => _http.Dispose();

    private static byte[] Serialize(object body) => body switch
    {
        byte[] utf8 => utf8,
        string text => Encoding.UTF8.GetBytes(text),
        _ => JsonSerializer.SerializeToUtf8Bytes(body, GraphJson.Options.GetTypeInfo(body.GetType())),
    };

    private static ReadOnlyMemory<byte> WithoutByteOrderMark(byte[] body) =>
        body.Length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF ? body.AsMemory(3) : body;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
}
