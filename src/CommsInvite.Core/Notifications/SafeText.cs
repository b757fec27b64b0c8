using System.Globalization;
using System.Text;

namespace CommsInvite.Core.Notifications;

/// <summary>
/// Makes text that came from the network (token claims, request paths, header values) fit for a log line
/// or the listener's statistics: control and non-ASCII characters escaped, cut to a short length. A peer
/// can then neither forge log lines (CR/LF) nor fill the log.
/// </summary>
internal static class SafeText
{
    public const int DefaultMaxLength = 64;

    /// <summary>The first line of a message (an exception's, a service's), escaped and cut like <see cref="Escape"/>.</summary>
    public static string FirstLine(string? text, int maxLength = 200)
    {
        var end = text?.IndexOfAny(new[] { '\r', '\n' }) ?? -1;
        return Escape(end < 0 ? text : text!.Substring(0, end), maxLength);
    }

    public static string Escape(string? text, int maxLength = DefaultMaxLength)
    {
        if (text is null)
        {
            return "(none)";
        }

        var builder = new StringBuilder(System.Math.Min(text.Length, maxLength) + 8);
        foreach (var c in text)
        {
            if (builder.Length >= maxLength)
            {
                return builder.Append("...").ToString();
            }

            if (c >= 0x20 && c < 0x7f)
            {
                builder.Append(c);
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
