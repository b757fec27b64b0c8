using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace CommsInvite.Core.Notifications;

/// <summary>A request the peer got wrong at the HTTP level; answered with <see cref="StatusCode"/> and the connection closed.</summary>
internal sealed class HttpProtocolException : Exception
{
    public HttpProtocolException(int statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    public int StatusCode { get; }
}

/// <summary>The request line and headers of one HTTP/1.1 request.</summary>
internal sealed class HttpRequestHead
{
    public HttpRequestHead(string method, string target, string version, Dictionary<string, string> headers)
    {
        Method = method;
        Target = target;
        Version = version;
        Headers = headers;
    }

    public string Method { get; }

    public string Target { get; }

    public string Version { get; }

    public Dictionary<string, string> Headers { get; }

    /// <summary>The target's path without query; absolute-form targets are reduced to their path.</summary>
    public string Path
    {
        get
        {
            var target = Target;
            var schemeEnd = target.IndexOf("://", StringComparison.Ordinal);
            if (schemeEnd >= 0)
            {
                var pathStart = target.IndexOf('/', schemeEnd + 3);
                target = pathStart < 0 ? "/" : target.Substring(pathStart);
            }

            var queryStart = target.IndexOf('?');
            return queryStart < 0 ? target : target.Substring(0, queryStart);
        }
    }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes unless told to keep it.</summary>
    public bool KeepAlive
    {
        get
        {
            var connection = Header("Connection") ?? string.Empty;
            if (connection.IndexOf("close", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return false;
            }

            return string.Equals(Version, "HTTP/1.1", StringComparison.OrdinalIgnoreCase) ||
                   connection.IndexOf("keep-alive", StringComparison.OrdinalIgnoreCase) >= 0;
        }
    }
}

/// <summary>
/// Reads HTTP/1.1 requests from a stream: just what a notification endpoint needs (request line, headers,
/// Content-Length or chunked bodies), with hard limits so a peer cannot make it hold unbounded memory.
/// </summary>
internal sealed class HttpRequestReader
{
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    public HttpRequestReader(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>Reads the next request's head, or null when the peer closed the connection between requests.</summary>
    public async Task<HttpRequestHead?> ReadHeadAsync(int maxHeaderBytes, CancellationToken cancellationToken)
    {
        var budget = maxHeaderBytes;
        string? requestLine;
        do
        {
            // RFC 9112 lets a server ignore empty lines before a request line.
            requestLine = await ReadLineAsync(budget, allowEof: true, cancellationToken).ConfigureAwait(false);
            if (requestLine is null)
            {
                return null;
            }

            budget -= requestLine.Length + 2;
        }
        while (requestLine.Length == 0);

        var parts = requestLine.Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 ||
            !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            throw new HttpProtocolException(400, "The request line is not HTTP/1.x.");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            var line = await ReadLineAsync(budget, allowEof: false, cancellationToken).ConfigureAwait(false);
            budget -= line!.Length + 2;
            if (line.Length == 0)
            {
                break;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw new HttpProtocolException(400, "A request header has no name.");
            }

            var name = line.Substring(0, colon).Trim();
            var value = line.Substring(colon + 1).Trim();
            headers[name] = headers.TryGetValue(name, out var existing) ? existing + ", " + value : value;
        }

        return new HttpRequestHead(parts[0], parts[1], parts[2], headers);
    }

    /// <summary>Reads the body the head announces. Bodies larger than <paramref name="maxBodyBytes"/> are refused with 413.</summary>
    public async Task<byte[]> ReadBodyAsync(HttpRequestHead head, int maxBodyBytes, CancellationToken cancellationToken)
    {
        var transferEncoding = head.Header("Transfer-Encoding");
        if (transferEncoding is not null)
        {
            if (!transferEncoding.Trim().EndsWith("chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw new HttpProtocolException(501, "Only chunked transfer encoding is supported.");
            }

            return await ReadChunkedAsync(maxBodyBytes, cancellationToken).ConfigureAwait(false);
        }

        var contentLength = head.Header("Content-Length");
        if (contentLength is null)
        {
            return Array.Empty<byte>();
        }

        if (!long.TryParse(contentLength, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            throw new HttpProtocolException(400, "Content-Length is not a number.");
        }

        if (length > maxBodyBytes)
        {
            throw new HttpProtocolException(413, $"The body is larger than {maxBodyBytes} bytes.");
        }

        var body = new byte[length];
        await ReadExactlyAsync(body, 0, body.Length, cancellationToken).ConfigureAwait(false);
        return body;
    }

    private async Task<byte[]> ReadChunkedAsync(int maxBodyBytes, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(1024, allowEof: false, cancellationToken).ConfigureAwait(false);
            var semicolon = sizeLine!.IndexOf(';');
            var sizeText = (semicolon < 0 ? sizeLine : sizeLine.Substring(0, semicolon)).Trim();
            if (!int.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
            {
                throw new HttpProtocolException(400, "A chunk size is not a hexadecimal number.");
            }

            if (size == 0)
            {
                // Trailer fields, if any, end with an empty line.
                while ((await ReadLineAsync(8192, allowEof: false, cancellationToken).ConfigureAwait(false))!.Length > 0)
                {
                }

                return body.ToArray();
            }

            if (body.Length + size > maxBodyBytes)
            {
                throw new HttpProtocolException(413, $"The body is larger than {maxBodyBytes} bytes.");
            }

            var chunk = new byte[size];
            await ReadExactlyAsync(chunk, 0, size, cancellationToken).ConfigureAwait(false);
            body.Write(chunk, 0, size);
            if ((await ReadLineAsync(2, allowEof: false, cancellationToken).ConfigureAwait(false))!.Length != 0)
            {
                throw new HttpProtocolException(400, "A chunk is longer than its size says.");
            }
        }
    }

    private async Task<string?> ReadLineAsync(int maxBytes, bool allowEof, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var seenAny = false;
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                if (allowEof && !seenAny)
                {
                    return null;
                }

                throw new HttpProtocolException(400, "The connection closed in the middle of a request.");
            }

            seenAny = true;
            while (_start < _end)
            {
                var b = _buffer[_start++];
                if (b == (byte)'\n')
                {
                    if (line.Length > 0 && line[line.Length - 1] == '\r')
                    {
                        line.Length--;
                    }

                    return line.ToString();
                }

                if (line.Length >= maxBytes)
                {
                    throw new HttpProtocolException(431, "The request head is too large.");
                }

                // Header bytes are ISO-8859-1 by definition; a notification endpoint needs only ASCII.
                line.Append((char)b);
            }
        }
    }

    private async Task ReadExactlyAsync(byte[] target, int offset, int count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new HttpProtocolException(400, "The connection closed before the whole body arrived.");
            }

            var take = Math.Min(count, _end - _start);
            Buffer.BlockCopy(_buffer, _start, target, offset, take);
            _start += take;
            offset += take;
            count -= take;
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await _stream.ReadAsync(_buffer, 0, _buffer.Length, cancellationToken).ConfigureAwait(false);
        return _end > 0;
    }
}

/// <summary>Writes one small HTTP/1.1 response.</summary>
internal static class HttpResponseWriter
{
    public static async Task WriteAsync(
        Stream stream,
        int statusCode,
        IEnumerable<KeyValuePair<string, string>>? headers,
        byte[]? body,
        bool keepAlive,
        CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        head.Append("HTTP/1.1 ").Append(statusCode.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Reason(statusCode)).Append("\r\n");
        head.Append("Date: ").Append(DateTime.UtcNow.ToString("R", CultureInfo.InvariantCulture)).Append("\r\n");
        head.Append("Content-Length: ").Append((body?.Length ?? 0).ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        if (body is { Length: > 0 })
        {
            head.Append("Content-Type: application/json; charset=utf-8\r\n");
        }

        head.Append("Connection: ").Append(keepAlive ? "keep-alive" : "close").Append("\r\n");
        if (headers is not null)
        {
            foreach (var header in headers)
            {
                head.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
            }
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
