namespace NetSim.Wire;

/// <summary>
/// Reads HTTP/1.1 responses incrementally from a byte stream: a client's side of a
/// connection (see <see cref="HttpMessageParser"/>). How a response's body is framed
/// depends on the request it answers (RFC 9112, 6.3): a response to HEAD, a 2xx response to
/// CONNECT, and 1xx, 204 and 304 responses end at their header section, whatever their
/// fields say; others are framed by Content-Length or the chunked coding, and without either
/// run until the connection closes, which <see cref="HttpMessageParser.Finish"/> says. A 1xx
/// response (such as 100 Continue) is a message of its own: the final response follows it.
/// After a 101 Switching Protocols response, a 2xx response to CONNECT, or a response that
/// closes the connection, the parser reads no more responses (<see cref="HttpMessageParser.IsConnectionEnded"/>).
/// </summary>
public sealed class HttpResponseParser : HttpMessageParser
{
    private int statusCode;
    private string reasonPhrase = "";
    private string version = "";

    /// <summary>
    /// The method of the request that the next response answers: "HEAD" (or "CONNECT",
    /// for a 2xx response) means a response without a body. Set it before feeding that
    /// response's bytes; it stays until set again. "GET" unless set.
    /// </summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public string RequestMethod
    {
        get;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = "GET";

    /// <summary>The response, once <see cref="HttpMessageParser.Feed"/> or <see cref="HttpMessageParser.Finish"/> has returned <see cref="HttpParseStatus.Complete"/>, until a feed starts the next message (or <see cref="HttpMessageParser.Reset"/>); otherwise null.</summary>
    public HttpResponse? Response { get; private set; }

    // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112, 4). The
    // space after a status without a reason phrase may be missing, as some servers send it.
    private protected override HttpParseError ReadStartLine(ReadOnlySpan<byte> text, out int minor)
    {
        minor = 0;
        int space = text.IndexOf(HttpSyntax.Space);
        HttpParseError error = HttpSyntax.ReadVersion(space < 0 ? text : text[..space], out minor);
        if (error != HttpParseError.None)
        {
            return error;
        }

        ReadOnlySpan<byte> rest = space < 0 ? [] : text[(space + 1)..];
        if (rest.Length < 3 || !char.IsAsciiDigit((char)rest[0]) || !char.IsAsciiDigit((char)rest[1]) || !char.IsAsciiDigit((char)rest[2]))
        {
            return HttpParseError.MalformedStartLine;
        }

        int status = ((rest[0] - '0') * 100) + ((rest[1] - '0') * 10) + (rest[2] - '0');
        ReadOnlySpan<byte> reason = rest.Length > 3 ? rest[4..] : [];
        if (status < HttpResponse.MinStatusCode || status > HttpResponse.MaxStatusCode
            || (rest.Length > 3 && rest[3] != HttpSyntax.Space) || !HttpSyntax.IsFieldText(reason))
        {
            return HttpParseError.MalformedStartLine;
        }

        statusCode = status;
        reasonPhrase = reason.SequenceEqual("OK"u8) ? "OK" : HttpSyntax.Text(reason);
        version = minor switch
        {
            1 => HttpSyntax.Http11,
            0 => HttpSyntax.Http10,
            _ => HttpSyntax.Text(text[..space]),
        };
        return HttpParseError.None;
    }

    private protected override HttpParseError CheckHeaderSection(HttpHeaders fields) => HttpParseError.None;

    private protected override bool MessageHasBody =>
        HttpResponse.StatusAllowsContent(statusCode)
        && RequestMethod != "HEAD"
        && !(RequestMethod == "CONNECT" && statusCode is >= 200 and < 300);

    private protected override bool LineMayEndInLf => true;

    private protected override bool BodyRunsUntilClose => true;

    private protected override void OnComplete(HttpHeaders fields, ReadOnlyMemory<byte> body) =>
        Response = new HttpResponse(statusCode, reasonPhrase, version, fields, body);

    // A tunnel follows a 2xx response to CONNECT (RFC 9112, 6.3) and another protocol a 101
    // (RFC 9110, 15.2.2); a final response that does not persist is the last (RFC 9112, 9.6).
    private protected override bool EndsConnection =>
        statusCode == 101
        || (RequestMethod == "CONNECT" && statusCode is >= 200 and < 300)
        || (statusCode >= 200 && !Response!.KeepAlive);

    private protected override void OnStart() => Response = null;
}
