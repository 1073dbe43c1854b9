using System.Globalization;

namespace NetSim.Wire;

/// <summary>
/// An HTTP/1.1 response (RFC 9112, 4): version, status code, reason phrase, header fields
/// and body, made to be written with <see cref="HttpMessage.WriteTo"/> (or built by
/// <see cref="Create"/>) or read from a byte stream by <see cref="HttpResponseParser"/>.
/// When a response whose status allows content has no framing field, a Content-Length is
/// added, 0 for an empty body: without one, a client would read the body until the
/// connection closes.
/// </summary>
public sealed class HttpResponse : HttpMessage
{
    internal const int MinStatusCode = 100;
    internal const int MaxStatusCode = 599;

    /// <summary>A response with no header fields and no body.</summary>
    /// <param name="statusCode">The status code, 100 to 599 (RFC 9110, 15).</param>
    /// <param name="reasonPhrase">The reason phrase; null for the standard one of the status (see <see cref="GetReasonPhrase"/>).</param>
    /// <param name="version">"HTTP/1.1" or "HTTP/1.0".</param>
    /// <exception cref="ArgumentOutOfRangeException">The status code is not 100 to 599.</exception>
    /// <exception cref="ArgumentException">The reason phrase has a control character other than a tab, or a character past Latin-1; or the version is not HTTP/1.x.</exception>
    public HttpResponse(int statusCode, string? reasonPhrase = null, string version = HttpSyntax.Http11)
        : base(CheckVersion(version), new HttpHeaders(), ReadOnlyMemory<byte>.Empty)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, MinStatusCode);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, MaxStatusCode);
        reasonPhrase ??= GetReasonPhrase(statusCode);
        if (!HttpSyntax.IsFieldText(reasonPhrase))
        {
            throw new ArgumentException($"'{reasonPhrase}' is not a reason phrase: tabs, spaces, visible ASCII and Latin-1 only (RFC 9112, 4).", nameof(reasonPhrase));
        }

        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
    }

    // A response read from the wire, whose parts the parser has checked.
    internal HttpResponse(int statusCode, string reasonPhrase, string version, HttpHeaders headers, ReadOnlyMemory<byte> body)
        : base(version, headers, body)
    {
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
    }

    /// <summary>The status code, such as 200 or 404.</summary>
    public int StatusCode { get; }

    /// <summary>The reason phrase as written, such as "OK"; may be empty.</summary>
    public string ReasonPhrase { get; }

    private protected override string StartLine => string.Create(CultureInfo.InvariantCulture, $"{Version} {StatusCode} {ReasonPhrase}");

    private protected override bool AddsContentLength => StatusAllowsContent(StatusCode) && !HasFraming;

    /// <summary>
    /// An HTTP/1.1 response of <paramref name="statusCode"/> with its standard reason phrase,
    /// and <paramref name="body"/> with Content-Type and Content-Length fields, in that order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The status code is not 100 to 599, or is one whose responses have no content (1xx, 204, 304).</exception>
    /// <exception cref="ArgumentException">The content type cannot be written as a field value.</exception>
    public static HttpResponse Create(int statusCode, string contentType, ReadOnlyMemory<byte> body)
    {
        var response = new HttpResponse(statusCode);
        if (!StatusAllowsContent(statusCode))
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "A 1xx, 204 or 304 response has no content (RFC 9110, 6.4.1).");
        }

        response.Headers.Add("Content-Type", contentType);
        response.Headers.Add(ContentLengthName, body.Length.ToString(CultureInfo.InvariantCulture));
        response.Body = body;
        return response;
    }

    /// <summary>
    /// The standard reason phrase of a status code (RFC 9110, 15; 431 from RFC 6585), such as
    /// "OK" for 200 or "Not Found" for 404; empty for a code without one here.
    /// </summary>
    public static string GetReasonPhrase(int statusCode) => statusCode switch
    {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        426 => "Upgrade Required",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "",
    };

    // 1xx, 204 and 304 responses end at their header section (RFC 9110, 6.4.1).
    internal static bool StatusAllowsContent(int statusCode) => statusCode >= 200 && statusCode != 204 && statusCode != 304;
}
