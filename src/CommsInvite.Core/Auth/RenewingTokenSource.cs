using System;
using System.Threading;
using System.Threading.Tasks;

namespace CommsInvite.Core.Auth;

/// <summary>
/// What every token source shares: the current token, handed out without an async call while it is good for more
/// than a margin (so it never expires between acquisition and use), and renewal by one caller at a time; callers that
/// waited take the token the first one got instead of renewing again. Subclasses say how a token is renewed.
/// </summary>
internal abstract class RenewingTokenSource : ITokenSource, IDisposable
{
    private static readonly TimeSpan RenewalMargin = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The token handed out; set by a sign-in, cleared by a sign-out, replaced by each renewal.</summary>
    protected AccessTokenInfo? Current { get; set; }

    public bool TryGetCurrent(out AccessTokenInfo token)
    {
        var current = Current;
        token = current!;
        return IsFresh(current);
    }

    public async Task<AccessTokenInfo> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        var seenBeforeWaiting = Current;
        if (!forceRefresh && IsFresh(seenBeforeWaiting))
        {
            return seenBeforeWaiting!;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have renewed it while this one waited: use that one rather than renewing twice.
            var current = Current;
            if (IsFresh(current) && (!forceRefresh || !ReferenceEquals(current, seenBeforeWaiting)))
            {
                return current!;
            }

            // Within the renewal margin MSAL's cache would still hand back the old token, so ask for a fresh one.
            var token = await RenewAsync(bypassCache: forceRefresh || current is not null, cancellationToken).ConfigureAwait(false);
            Current = token;
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    public virtual void Dispose() => _gate.Dispose();

    /// <summary>Gets a new token; <paramref name="bypassCache"/> when MSAL's cache must not answer with the one it holds.</summary>
    protected abstract Task<AccessTokenInfo> RenewAsync(bool bypassCache, CancellationToken cancellationToken);

    /// <summary>Good for more than the renewal margin: usable without asking MSAL.</summary>
    private static bool IsFresh(AccessTokenInfo? token) => token is not null && token.ExpiresOn - RenewalMargin > DateTimeOffset.UtcNow;
}
