using System;
using System.Diagnostics;

namespace CommsInvite.Core;

/// <summary>
/// Holds a secret (client secret, certificate password). ToString, the debugger and serializers see a mask,
/// so the value cannot leak into logs, error records or formatted output by accident; only
/// <see cref="Reveal"/> hands it out, at the one place that must send it.
/// </summary>
[DebuggerDisplay("********")]
internal sealed class SecretString
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

    /// <summary>Copies a SecureString (what PowerShell's -ClientSecret/-CertificatePassword bind to), zeroing the unmanaged copy.</summary>
    public static SecretString FromSecureString(System.Security.SecureString secure)
    {
        if (secure is null)
        {
            throw new ArgumentNullException(nameof(secure));
        }

        var pointer = System.Runtime.InteropServices.Marshal.SecureStringToGlobalAllocUnicode(secure);
        try
        {
            var chars = new char[secure.Length];
            System.Runtime.InteropServices.Marshal.Copy(pointer, chars, 0, chars.Length);
            var result = new SecretString(chars);
            Array.Clear(chars, 0, chars.Length);
            return result;
        }
        finally
        {
            System.Runtime.InteropServices.Marshal.ZeroFreeGlobalAllocUnicode(pointer);
        }
    }

    private SecretString(char[] value)
    {
        _value = (char[])value.Clone();
    }

    public bool IsEmpty => _value.Length == 0;

    public int Length => _value.Length;

    /// <summary>The secret itself. Call only where it is handed to MSAL or a certificate loader.</summary>
    public string Reveal() => new(_value);

    public override string ToString() => Mask;
}
