using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace CommsInvite.Core.Notifications;

/// <summary>
/// Reads HTTP/1.1 requests from a stream: just what a notification endpoint needs (request line, headers,
/// Content-Length or chunked bodies), strict where RFC 9112 lets a lenient reader be fooled into framing a
/// request differently from a proxy in front of it (request smuggling), and with hard limits so a peer cannot
/// make it hold unbounded memory or read forever.
/// </summary>
internal sealed class HttpRequestReader
{
    /// <summary>Header fields allowed in one request head.</summary>
    public const int MaxHeaderCount = 100;

    /// <summary>Trailer fields allowed after a chunked body, and their bytes together.</summary>
    public const int MaxTrailerCount = 32;
    public const int MaxTrailerBytes = 8 * 1024;

    private const int MaxChunkSizeLineBytes = 1024;

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    public HttpRequestReader(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>Waits until the peer sends something; false when it closed the connection instead.</summary>
    public async Task<bool> WaitForDataAsync(CancellationToken cancellationToken) =>
        _start < _end || await FillAsync(cancellationToken).ConfigureAwait(false);

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
        if (parts.Length != 3 || !IsToken(parts[0]) || parts[1].Length == 0 || !IsVisible(parts[1]) ||
            !(parts[2] == "HTTP/1.1" || parts[2] == "HTTP/1.0"))
        {
            throw new HttpProtocolException(400, "The request line is not HTTP/1.x.");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var count = 0;
        while (true)
        {
            var line = (await ReadLineAsync(budget, allowEof: false, cancellationToken).ConfigureAwait(false))!;
            budget -= line.Length + 2;
            if (line.Length == 0)
            {
                break;
            }

            if (++count > MaxHeaderCount)
            {
                throw new HttpProtocolException(431, "The request has too many header fields.");
            }

            var (name, value) = ParseField(line);
            headers[name] = headers.TryGetValue(name, out var existing) ? existing + ", " + value : value;
        }

        return new HttpRequestHead(parts[0], parts[1], parts[2], headers);
    }

    /// <summary>Reads the body the head announces. Bodies larger than <paramref name="maxBodyBytes"/> are refused with 413.</summary>
    public async Task<byte[]> ReadBodyAsync(HttpRequestHead head, int maxBodyBytes, CancellationToken cancellationToken)
    {
        var transferEncoding = head.Header("Transfer-Encoding");
        var contentLength = head.Header("Content-Length");
        if (transferEncoding is not null)
        {
            // RFC 9112 6.1: a server may reject both; a proxy in front might have framed by the other one.
            if (contentLength is not null)
            {
                throw new HttpProtocolException(400, "The request has both Content-Length and Transfer-Encoding.");
            }

            CheckTransferCodings(transferEncoding);
            return await ReadChunkedAsync(maxBodyBytes, cancellationToken).ConfigureAwait(false);
        }

        if (contentLength is null)
        {
            return Array.Empty<byte>();
        }

        var length = ParseContentLength(contentLength);
        if (length > maxBodyBytes)
        {
            throw new HttpProtocolException(413, $"The body is larger than {maxBodyBytes} bytes.");
        }

        var body = new byte[length];
        await ReadExactlyAsync(body, 0, body.Length, cancellationToken).ConfigureAwait(false);
        return body;
    }

    /// <summary>"chunked" must be the final coding, exactly and once; no other coding is implemented (501).</summary>
    private static void CheckTransferCodings(string transferEncoding)
    {
        var codings = new List<string>();
        foreach (var item in transferEncoding.Split(','))
        {
            var coding = item.Trim(' ', '\t');
            if (coding.Length > 0)
            {
                codings.Add(coding);
            }
        }

        var chunkedCount = 0;
        foreach (var coding in codings)
        {
            if (string.Equals(coding, "chunked", StringComparison.OrdinalIgnoreCase))
            {
                chunkedCount++;
            }
        }

        if (codings.Count == 0 || chunkedCount != 1 || !string.Equals(codings[codings.Count - 1], "chunked", StringComparison.OrdinalIgnoreCase))
        {
            throw new HttpProtocolException(400, "Transfer-Encoding must end with chunked, once.");
        }

        if (codings.Count > 1)
        {
            throw new HttpProtocolException(501, "Only the chunked transfer coding is supported.");
        }
    }

    /// <summary>Digits only; a repeated field (joined as "n, n") is allowed only when every value is the same.</summary>
    private static int ParseContentLength(string text)
    {
        long? length = null;
        foreach (var item in text.Split(','))
        {
            var value = item.Trim(' ', '\t');
            if (value.Length == 0 || value.Length > 18 || !IsDigits(value))
            {
                throw new HttpProtocolException(400, "Content-Length is not a number.");
            }

            var parsed = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
            if (length is { } previous && previous != parsed)
            {
                throw new HttpProtocolException(400, "The request has several different Content-Length values.");
            }

            length = parsed;
        }

        return length > int.MaxValue ? int.MaxValue : (int)length!.Value;
    }

    private async Task<byte[]> ReadChunkedAsync(int maxBodyBytes, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var sizeLine = (await ReadLineAsync(MaxChunkSizeLineBytes, allowEof: false, cancellationToken).ConfigureAwait(false))!;
            var semicolon = sizeLine.IndexOf(';');
            var sizeText = (semicolon < 0 ? sizeLine : sizeLine.Substring(0, semicolon)).TrimEnd(' ', '\t');
            if (sizeText.Length == 0 || sizeText.Length > 8 || !IsHex(sizeText) ||
                !int.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
            {
                throw new HttpProtocolException(400, "A chunk size is not a hexadecimal number.");
            }

            if (size == 0)
            {
                await SkipTrailersAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>Trailer fields are checked like header fields, bounded in count and bytes, and discarded.</summary>
    private async Task SkipTrailersAsync(CancellationToken cancellationToken)
    {
        var budget = MaxTrailerBytes;
        var count = 0;
        while (true)
        {
            var line = (await ReadLineAsync(budget, allowEof: false, cancellationToken).ConfigureAwait(false))!;
            budget -= line.Length + 2;
            if (line.Length == 0)
            {
                return;
            }

            if (++count > MaxTrailerCount || budget <= 0)
            {
                throw new HttpProtocolException(431, "The request has too many trailer fields.");
            }

            ParseField(line);
        }
    }

    /// <summary>One field line: a token name directly followed by ':' (RFC 9112 5.1: whitespace before it is a 400), then the value.</summary>
    private static (string Name, string Value) ParseField(string line)
    {
        if (line[0] == ' ' || line[0] == '\t')
        {
            throw new HttpProtocolException(400, "Folded header lines are not accepted.");
        }

        var colon = line.IndexOf(':');
        if (colon <= 0)
        {
            throw new HttpProtocolException(400, "A request header has no name.");
        }

        var name = line.Substring(0, colon);
        if (!IsToken(name))
        {
            throw new HttpProtocolException(400, "A request header's name is not a token (whitespace before the colon?).");
        }

        var value = line.Substring(colon + 1).Trim(' ', '\t');
        foreach (var c in value)
        {
            if ((c < 0x20 && c != '\t') || c == 0x7f)
            {
                throw new HttpProtocolException(400, "A request header's value holds a control character.");
            }
        }

        return (name, value);
    }

    private async Task<string?> ReadLineAsync(int maxBytes, bool allowEof, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var seenAny = false;
        var sawCr = false;
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
                    return line.ToString();
                }

                if (sawCr)
                {
                    // RFC 9112 2.2: a bare CR is invalid (a lenient reader would split lines differently).
                    throw new HttpProtocolException(400, "The request holds a CR without LF.");
                }

                if (b == (byte)'\r')
                {
                    sawCr = true;
                    continue;
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

    private static bool IsToken(string text)
    {
        if (text.Length == 0)
        {
            return false;
        }

        foreach (var c in text)
        {
            var ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".IndexOf(c) >= 0;
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsVisible(string text)
    {
        foreach (var c in text)
        {
            if (c <= 0x20 || c >= 0x7f)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDigits(string text)
    {
        foreach (var c in text)
        {
            if (c < '0' || c > '9')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            {
                return false;
            }
        }

        return true;
    }
}
