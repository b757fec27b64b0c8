using System;
using System.Diagnostics;

namespace CommsInvite.Core;

/// <summary>
/// Holds a secret (client secret, certificate password). ToString, the debugger and serializers see a mask,
/// so the value cannot leak into logs, error records or formatted output by accident; only
/// <see cref="Reveal"/> hands it out, at the one place that must send it.
/// </summary>
[DebuggerDisplay("********")]
public sealed class SecretString
{
    private const string Mask = "********";

    [DebuggerBrowsable(DebuggerBrowsableState.Never)]
    private readonly char[] _value;

    public SecretString(string value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        _value = value.ToCharArray();
    }

    public bool IsEmpty => _value.Length == 0;

    public int Length => _value.Length;

    /// <summary>The secret itself. Call only where it is handed to MSAL or a certificate loader.</summary>
    public string Reveal() => new(_value);

    public override string ToString() => Mask;
}
