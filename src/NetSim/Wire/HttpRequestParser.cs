namespace NetSim.Wire;

/// <summary>
/// Reads HTTP/1.1 requests incrementally from a byte stream: a server's side of a
/// connection (see <see cref="HttpMessageParser"/>). A request's body is framed by
/// Content-Length or the chunked coding; without either it has none (RFC 9112, 6.3). An
/// HTTP/1.1 request must have exactly one Host field, and every line of a request ends in
/// CRLF (a bare LF is refused). A CONNECT request ends at its header section, and what follows
/// is the tunnel's; after it, or after a request that closes the connection, the parser reads
/// no more requests (<see cref="HttpMessageParser.IsConnectionEnded"/>).
/// </summary>
public sealed class HttpRequestParser : HttpMessageParser
{
    private const string ConnectMethod = "CONNECT";

    private string method = "";
    private string target = "";
    private string version = "";

    /// <summary>The request, once <see cref="HttpMessageParser.Feed"/> has returned <see cref="HttpParseStatus.Complete"/>, until a feed starts the next message (or <see cref="HttpMessageParser.Reset"/>); otherwise null.</summary>
    public HttpRequest? Request { get; private set; }

    /// <summary>
    /// The status a server answers a request with when its parse fails this way (RFC 9110,
    /// 15.5 and 15.6; RFC 6585, 5): 505 HTTP Version Not Supported for
    /// <see cref="HttpParseError.UnsupportedVersion"/>, 431 Request Header Fields Too Large
    /// for <see cref="HttpParseError.HeaderTooLarge"/>, 413 Content Too Large for
    /// <see cref="HttpParseError.BodyTooLarge"/>, 501 Not Implemented for
    /// <see cref="HttpParseError.UnsupportedTransferEncoding"/>, and 400 Bad Request for the others.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="error"/> is <see cref="HttpParseError.None"/> or not an error.</exception>
    public static int StatusCodeFor(HttpParseError error) => error switch
    {
        HttpParseError.UnsupportedVersion => 505,
        HttpParseError.HeaderTooLarge => 431,
        HttpParseError.BodyTooLarge => 413,
        HttpParseError.UnsupportedTransferEncoding => 501,
        HttpParseError.MalformedStartLine or HttpParseError.MalformedHeader or HttpParseError.InvalidContentLength
            or HttpParseError.MalformedChunkedBody or HttpParseError.MissingHost or HttpParseError.IncompleteMessage => 400,
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, "Not a parse error."),
    };

    // request-line = method SP request-target SP HTTP-version (RFC 9112, 3), single spaces.
    private protected override HttpParseError ReadStartLine(ReadOnlySpan<byte> text, out int minor)
    {
        minor = 0;
        int firstSpace = text.IndexOf(HttpSyntax.Space);
        if (firstSpace < 0)
        {
            return HttpParseError.MalformedStartLine;
        }

        ReadOnlySpan<byte> methodText = text[..firstSpace];
        ReadOnlySpan<byte> afterMethod = text[(firstSpace + 1)..];
        int secondSpace = afterMethod.IndexOf(HttpSyntax.Space);
        if (secondSpace < 0)
        {
            return HttpParseError.MalformedStartLine; // no target, or no version
        }

        ReadOnlySpan<byte> targetText = afterMethod[..secondSpace];
        if (!HttpSyntax.IsToken(methodText) || !HttpSyntax.IsTarget(targetText))
        {
            return HttpParseError.MalformedStartLine;
        }

        HttpParseError error = HttpSyntax.ReadVersion(afterMethod[(secondSpace + 1)..], out minor);
        if (error != HttpParseError.None)
        {
            return error;
        }

        method = KnownMethod(methodText) ?? HttpSyntax.Text(methodText);
        target = HttpSyntax.Text(targetText);
        version = minor switch
        {
            1 => HttpSyntax.Http11,
            0 => HttpSyntax.Http10,
            _ => HttpSyntax.Text(afterMethod[(secondSpace + 1)..]),
        };
        return HttpParseError.None;
    }

    private protected override HttpParseError CheckHeaderSection(HttpHeaders fields) =>
        version != HttpSyntax.Http10 && fields.GetValues("Host").Count != 1 ? HttpParseError.MissingHost
        : IsConnect ? CheckFramingFields() // no body is read (MessageHasBody), but smuggling's signs are still refused
        : HttpParseError.None;

    // A CONNECT request has no content (RFC 9110, 9.3.6): the bytes after its header section
    // are the tunnel's, whatever its framing fields say (llhttp reads it the same way).
    private protected override bool MessageHasBody => !IsConnect;

    private protected override bool LineMayEndInLf => false;

    private protected override bool BodyRunsUntilClose => false;

    private protected override void OnComplete(HttpHeaders fields, ReadOnlyMemory<byte> body) =>
        Request = new HttpRequest(method, target, version, fields, body);

    private protected override bool EndsConnection => IsConnect || !Request!.KeepAlive;

    private protected override void OnStart() => Request = null;

    private bool IsConnect => method == ConnectMethod;

    // The common methods' strings, so that reading them allocates none.
    private static string? KnownMethod(ReadOnlySpan<byte> text) =>
        text.SequenceEqual("GET"u8) ? "GET"
        : text.SequenceEqual("HEAD"u8) ? "HEAD"
        : text.SequenceEqual("POST"u8) ? "POST"
        : text.SequenceEqual("PUT"u8) ? "PUT"
        : text.SequenceEqual("DELETE"u8) ? "DELETE"
        : text.SequenceEqual("CONNECT"u8) ? ConnectMethod
        : null;
}
