using System;

namespace CommsInvite.Core.Http;

/// <summary>Bounds on retrying a Graph request. Immutable; use <c>with</c> to change one value.</summary>
internal sealed record RetryPolicy
{
    public static readonly RetryPolicy Default = new();

    /// <summary>Retries after the first attempt (0 = never retry).</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>Longest single wait, whether from Retry-After or backoff; a longer Retry-After ends retrying.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest time spent on one logical request, retries included.</summary>
    public TimeSpan MaxTotalTime { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>First backoff delay; doubles per attempt, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public void Validate()
    {
        if (MaxRetries < 0 || MaxRetries > 100)
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "MaxRetries", $"MaxRetries must be between 0 and 100 (got {MaxRetries}).", MaxRetries);
        }

        if (MaxRetryDelay < TimeSpan.Zero || MaxRetryDelay > TimeSpan.FromHours(1))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "MaxRetryDelay", $"MaxRetryDelay must be between 0 and 1 hour (got {MaxRetryDelay}).", MaxRetryDelay);
        }

        if (MaxTotalTime <= TimeSpan.Zero || MaxTotalTime > TimeSpan.FromHours(24))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "MaxTotalTime", $"MaxTotalTime must be positive and at most 24 hours (got {MaxTotalTime}).", MaxTotalTime);
        }

        if (BaseDelay < TimeSpan.Zero)
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "BaseDelay", "BaseDelay must not be negative.", BaseDelay);
        }
    }
}
