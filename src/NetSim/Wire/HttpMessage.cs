using System.Globalization;
using System.Text;

namespace NetSim.Wire;

/// <summary>
/// What an HTTP/1.1 request and response share (RFC 9112): the version, the header fields,
/// the body, the connection's persistence, and the writing of the whole message in its wire
/// form. The text is Latin-1, a byte per character; lines end in CRLF.
/// </summary>
public abstract class HttpMessage
{
    internal const string ContentLengthName = "Content-Length";
    internal const string TransferEncodingName = "Transfer-Encoding";
    internal const string ConnectionName = "Connection";
    private const string ContentLengthPrefix = ContentLengthName + ": ";
    private const int CrlfLength = 2;

    private protected HttpMessage(string version, HttpHeaders headers, ReadOnlyMemory<byte> body)
    {
        Version = version;
        Headers = headers;
        Body = body;
    }

    /// <summary>The protocol version, as written in the start line: "HTTP/1.1" or "HTTP/1.0" (any "HTTP/1.x" is read).</summary>
    public string Version { get; }

    /// <summary>The header fields, written in order as they are.</summary>
    public HttpHeaders Headers { get; }

    /// <summary>
    /// The content: the body as framed on the wire, with any chunked coding taken off. Empty
    /// when the message has none.
    /// </summary>
    public ReadOnlyMemory<byte> Body { get; set; }

    /// <summary>
    /// True when the connection persists after this message (RFC 9112, 9.3): not when a
    /// Connection field has the "close" option; otherwise yes in HTTP/1.1, and in HTTP/1.0
    /// only when a Connection field has the "keep-alive" option. Options are read without
    /// regard to case, from every Connection field and every element of their lists.
    /// </summary>
    public bool KeepAlive =>
        !Headers.ContainsToken(ConnectionName, "close")
        && (MinorVersion >= 1 || Headers.ContainsToken(ConnectionName, "keep-alive"));

    /// <summary>
    /// The number of bytes <see cref="WriteTo"/> writes: the start line, the header fields
    /// (with the Content-Length that is added, see <see cref="WriteTo"/>), the empty line and
    /// the body.
    /// </summary>
    public int EmittedLength
    {
        get
        {
            int length = StartLine.Length + CrlfLength;
            foreach (KeyValuePair<string, string> pair in Headers)
            {
                length += pair.Key.Length + 2 + pair.Value.Length + CrlfLength; // name ": " value CRLF
            }

            if (AddsContentLength)
            {
                length += ContentLengthPrefix.Length + DigitCount(Body.Length) + CrlfLength;
            }

            return length + CrlfLength + Body.Length;
        }
    }

    // The minor version number: "HTTP/1.x" was checked when the message was made.
    internal int MinorVersion => Version[^1] - '0';

    // The start line without its CRLF.
    private protected abstract string StartLine { get; }

    // True when the writing adds a Content-Length field to the ones given.
    private protected abstract bool AddsContentLength { get; }

    /// <summary>Writes the message in its wire form into a new array of <see cref="EmittedLength"/> bytes. See <see cref="WriteTo"/>.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[EmittedLength];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>
    /// Writes the message in its wire form at the start of <paramref name="destination"/>:
    /// the start line, each header field as "name: value", the empty line, then the body, as
    /// they are. A Content-Length field is added after the others when the message has
    /// neither Content-Length nor Transfer-Encoding and has a body, or is a response whose
    /// status allows content (so that a receiver does not read it until the connection
    /// closes; see <see cref="HttpResponse"/>). Nothing else is added or checked: a Host
    /// field, a body's chunked coding and a Content-Length given for a response to HEAD are
    /// the caller's to write.
    /// </summary>
    /// <returns>The number of bytes written: <see cref="EmittedLength"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="EmittedLength"/>.</exception>
    public int WriteTo(Span<byte> destination)
    {
        int length = EmittedLength;
        if (destination.Length < length)
        {
            throw new ArgumentException($"This HTTP message takes {length} bytes; the buffer has {destination.Length}.", nameof(destination));
        }

        int at = WriteText(destination, 0, StartLine);
        at = WriteText(destination, at, "\r\n");
        foreach (KeyValuePair<string, string> field in Headers)
        {
            at = WriteText(destination, at, field.Key);
            at = WriteText(destination, at, ": ");
            at = WriteText(destination, at, field.Value);
            at = WriteText(destination, at, "\r\n");
        }

        if (AddsContentLength)
        {
            at = WriteText(destination, at, ContentLengthPrefix);
            Body.Length.TryFormat(destination[at..], out int written, default, CultureInfo.InvariantCulture);
            at = WriteText(destination, at + written, "\r\n");
        }

        at = WriteText(destination, at, "\r\n");
        Body.Span.CopyTo(destination[at..]);
        return length;
    }

    /// <summary>The start line, without its CRLF.</summary>
    public override string ToString() => StartLine;

    // Whether either framing field was given.
    private protected bool HasFraming => Headers.Contains(ContentLengthName) || Headers.Contains(TransferEncodingName);

    // Returns version when it is one a message can be written in, or throws.
    private protected static string CheckVersion(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (!HttpSyntax.IsSupportedVersion(version))
        {
            throw new ArgumentException($"'{version}' is not a version NetSim writes: \"HTTP/1.1\" or \"HTTP/1.0\".", nameof(version));
        }

        return version;
    }

    // Writes text, whose characters have been checked to be Latin-1, a byte per character.
    private static int WriteText(Span<byte> destination, int at, string text) => at + Encoding.Latin1.GetBytes(text, destination[at..]);

    private static int DigitCount(int value)
    {
        int digits = 1;
        for (int rest = value; rest >= 10; rest /= 10)
        {
            digits++;
        }

        return digits;
    }
}
