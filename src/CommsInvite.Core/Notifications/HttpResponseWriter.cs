using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace CommsInvite.Core.Notifications;

/// <summary>What a request handler answers: a status, extra headers, a small JSON body, and whether the connection may go on.</summary>
internal sealed class HttpAnswer
{
    public HttpAnswer(int statusCode, IReadOnlyList<KeyValuePair<string, string>>? headers = null, byte[]? body = null, bool close = false)
    {
        StatusCode = statusCode;
        Headers = headers ?? Array.Empty<KeyValuePair<string, string>>();
        Body = body;
        Close = close;
    }

    public int StatusCode { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public byte[]? Body { get; }

    /// <summary>Close the connection after this answer even when the request allowed keep-alive.</summary>
    public bool Close { get; }
}

/// <summary>Writes one small HTTP/1.1 response.</summary>
internal static class HttpResponseWriter
{
    public static async Task WriteAsync(Stream stream, HttpAnswer answer, bool keepAlive, CancellationToken cancellationToken)
    {
        var body = answer.Body;
        var head = new StringBuilder();
        head.Append("HTTP/1.1 ").Append(answer.StatusCode.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Reason(answer.StatusCode)).Append("\r\n");
        head.Append("Date: ").Append(DateTime.UtcNow.ToString("R", CultureInfo.InvariantCulture)).Append("\r\n");
        head.Append("Content-Length: ").Append((body?.Length ?? 0).ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        if (body is { Length: > 0 })
        {
            head.Append("Content-Type: application/json; charset=utf-8\r\n");
        }

        head.Append("Connection: ").Append(keepAlive ? "keep-alive" : "close").Append("\r\n");
        foreach (var header in answer.Headers)
        {
            head.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
        }

        head.Append("\r\n");
        var headBytes = Encoding.ASCII.GetBytes(head.ToString());
        await stream.WriteAsync(headBytes, 0, headBytes.Length, cancellationToken).ConfigureAwait(false);
        if (body is { Length: > 0 })
        {
            await stream.WriteAsync(body, 0, body.Length, cancellationToken).ConfigureAwait(false);
        }

        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Reason(int statusCode) => statusCode switch
    {
        202 => "Accepted",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
