using System;
using System.Runtime.InteropServices;
using System.Security;
using CommsInvite.Core;

namespace CommsInvite.Commands.Infrastructure;

internal static class SecureStrings
{
    /// <summary>Copies a SecureString into the core's masked SecretString, zeroing the unmanaged copy.</summary>
    public static SecretString ToSecret(SecureString value)
    {
        var pointer = IntPtr.Zero;
        try
        {
            pointer = Marshal.SecureStringToGlobalAllocUnicode(value);
            return new SecretString(Marshal.PtrToStringUni(pointer) ?? string.Empty);
        }
        finally
        {
            if (pointer != IntPtr.Zero)
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }
    }
}
