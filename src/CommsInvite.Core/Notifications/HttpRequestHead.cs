using System;
using System.Collections.Generic;

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

    /// <summary>Header fields by name (case-insensitive); repeated fields are joined with ", ".</summary>
    public Dictionary<string, string> Headers { get; }

    /// <summary>
    /// The target's path. Origin-form (<c>/path?query</c>) is cut at '?' or '#', so nothing in a query changes the
    /// route; only a target that starts with http:// or https:// is absolute-form and reduced to its path.
    /// </summary>
    public string Path
    {
        get
        {
            var target = Target;
            if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ||
                target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                var authorityStart = target.IndexOf("://", StringComparison.Ordinal) + 3;
                var pathStart = target.IndexOfAny(new[] { '/', '?', '#' }, authorityStart);
                target = pathStart < 0 || target[pathStart] != '/' ? "/" : target.Substring(pathStart);
            }

            var queryStart = target.IndexOfAny(new[] { '?', '#' });
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

            return string.Equals(Version, "HTTP/1.1", StringComparison.Ordinal) ||
                   connection.IndexOf("keep-alive", StringComparison.OrdinalIgnoreCase) >= 0;
        }
    }
}
