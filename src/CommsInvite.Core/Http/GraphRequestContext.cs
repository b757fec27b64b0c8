using System.Net.Http;

namespace CommsInvite.Core.Http;

/// <summary>
/// What the handlers need to know about one logical request and what they learn about it, carried on the
/// <see cref="HttpRequestMessage"/> (its property bag is the one place netstandard2.0 offers for this).
/// </summary>
internal sealed class GraphRequestContext
{
    private const string Key = "CommsInvite.GraphRequestContext";

    public GraphRequestContext(RequestSafety safety, string clientRequestId)
    {
        Safety = safety;
        ClientRequestId = clientRequestId;
    }

    public RequestSafety Safety { get; }

    /// <summary>One id per logical request: its retries share it, so the service's logs tie them together.</summary>
    public string ClientRequestId { get; }

    /// <summary>Set by the retry handler when a non-idempotent request failed after the service may have acted.</summary>
    public bool MayHaveBeenProcessed { get; set; }

    /// <summary>Why a 2xx body could not be read (the answer arrived, its body did not).</summary>
    public System.Exception? BodyFailure { get; set; }

#pragma warning disable CS0618 // Properties is the bag netstandard2.0 has; on .NET it is backed by Options.
    public void AttachTo(HttpRequestMessage request) => request.Properties[Key] = this;

    /// <summary>The context of a request this client made; requests without one are treated as not idempotent.</summary>
    public static GraphRequestContext Of(HttpRequestMessage request) =>
        request.Properties.TryGetValue(Key, out var value) && value is GraphRequestContext context
            ? context
            : new GraphRequestContext(RequestSafety.NotIdempotent, string.Empty);
#pragma warning restore CS0618
}
