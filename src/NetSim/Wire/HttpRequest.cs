namespace NetSim.Wire;

/// <summary>
/// An HTTP/1.1 request (RFC 9112, 3): method, target, version, header fields and body,
/// made to be written with <see cref="HttpMessage.WriteTo"/> or read from a byte stream by
/// <see cref="HttpRequestParser"/>. An HTTP/1.1 request needs one Host field, which the
/// caller adds; a Content-Length is added when the request has a body and no framing field.
/// </summary>
public sealed class HttpRequest : HttpMessage
{
    /// <summary>A request with no header fields and no body.</summary>
    /// <param name="method">The method, a token such as "GET" (case-sensitive, RFC 9110, 9.1).</param>
    /// <param name="target">The request target: a path and query such as "/index.html?q=1", an absolute URI, an authority, or "*" (RFC 9112, 3.2), in visible ASCII.</param>
    /// <param name="version">"HTTP/1.1" or "HTTP/1.0".</param>
    /// <exception cref="ArgumentException">The method is not a token, the target is empty or has other than visible ASCII, or the version is not HTTP/1.x.</exception>
    public HttpRequest(string method, string target, string version = HttpSyntax.Http11)
        : base(CheckVersion(version), new HttpHeaders(), ReadOnlyMemory<byte>.Empty)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(target);
        if (!HttpSyntax.IsToken(method))
        {
            throw new ArgumentException($"'{method}' is not a method: a method is a token (RFC 9110, 9.1).", nameof(method));
        }

        if (!HttpSyntax.IsTarget(target))
        {
            throw new ArgumentException($"'{target}' is not a request target: one or more visible ASCII characters, without spaces (RFC 9112, 3.2).", nameof(target));
        }

        Method = method;
        Target = target;
    }

    // A request read from the wire, whose parts the parser has checked.
    internal HttpRequest(string method, string target, string version, HttpHeaders headers, ReadOnlyMemory<byte> body)
        : base(version, headers, body)
    {
        Method = method;
        Target = target;
    }

    /// <summary>The method, such as "GET", "HEAD" or "POST".</summary>
    public string Method { get; }

    /// <summary>The request target as written, such as "/index.html".</summary>
    public string Target { get; }

    private protected override string StartLine => $"{Method} {Target} {Version}";

    // A request without framing fields has no body (RFC 9112, 6.3), so none is added for an empty one.
    private protected override bool AddsContentLength => !Body.IsEmpty && !HasFraming;
}
