using System.Buffers;
using System.Diagnostics;
using System.Globalization;

namespace NetSim.Wire;

/// <summary>Where an incremental HTTP parse stands, after <see cref="HttpMessageParser.Feed"/> or <see cref="HttpMessageParser.Finish"/>.</summary>
public enum HttpParseStatus
{
    /// <summary>No message yet: the bytes so far are the start of one (or nothing), and more are needed.</summary>
    NeedMoreData = 0,

    /// <summary>A whole message has been read; the bytes after it were not consumed.</summary>
    Complete,

    /// <summary>The bytes are not a message NetSim reads; <see cref="HttpMessageParser.Error"/> says why. The stream cannot be read further.</summary>
    Error,

    /// <summary>
    /// The message completed last was the connection's last HTTP message
    /// (<see cref="HttpMessageParser.IsConnectionEnded"/>), so the bytes fed are none: they are
    /// data after the close, which a recipient discards (RFC 9112, 9.6), or the start of a
    /// tunnel. None was consumed. Returned by every feed until <see cref="HttpMessageParser.Reset"/>.
    /// </summary>
    ConnectionEnded,
}

/// <summary>
/// Why bytes from a stream could not be read as an HTTP/1.1 message (RFC 9112). A server
/// answers most with 400 Bad Request and closes the connection;
/// <see cref="HttpRequestParser.StatusCodeFor"/> gives the status for each.
/// </summary>
public enum HttpParseError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>
    /// A request line that is not "method SP target SP version" with single spaces, a token
    /// for a method and a target of visible ASCII; a status line that is not "version SP
    /// three-digit status [SP reason]" with a status of 100 to 599; or a version that is not
    /// "HTTP/" DIGIT "." DIGIT (such as "HTTX/1.1" or "http/1.1"); in a request, also a
    /// request line, or an empty line before it, that ends in LF without CR.
    /// </summary>
    MalformedStartLine,

    /// <summary>A well-formed version other than HTTP/1.x, such as "HTTP/2.0" or "HTTP/0.9" (505 for a request).</summary>
    UnsupportedVersion,

    /// <summary>
    /// A field line without a colon, with a name that is not a token (whitespace before the
    /// colon is rejected, RFC 9112, 5.1), starting with whitespace (obs-fold, or whitespace
    /// after the start line, RFC 9112, 5.2 and 2.2), or with a control character in its value;
    /// in a request, also a field line, trailer line or the empty line ending either section
    /// that ends in LF without CR.
    /// </summary>
    MalformedHeader,

    /// <summary>
    /// A start line and header section longer than <see cref="HttpMessageParser.MaxHeaderBytes"/>,
    /// more fields than <see cref="HttpMessageParser.MaxHeaderCount"/>, or a chunked body's
    /// trailer section longer than <see cref="HttpMessageParser.MaxHeaderBytes"/> (431 for a request).
    /// </summary>
    HeaderTooLarge,

    /// <summary>
    /// A Content-Length that is not a decimal number (empty, signed, not digits, or past a
    /// 64-bit count), that has different values in several fields or in a list, or that
    /// comes with a Transfer-Encoding (RFC 9112, 6.3: a sign of request smuggling).
    /// </summary>
    InvalidContentLength,

    /// <summary>
    /// A Transfer-Encoding other than "chunked" alone (NetSim decodes no other coding), or
    /// one in an HTTP/1.0 message (RFC 9112, 6.1) (501 for a request).
    /// </summary>
    UnsupportedTransferEncoding,

    /// <summary>
    /// A chunked body whose chunk size is not hexadecimal; whose size is followed by anything
    /// but chunk extensions, whitespace included; whose chunk extensions are not
    /// ";name" or ";name=value" with a token for a name and a token or quoted string for a
    /// value, without whitespace around ';' or '=' (RFC 9112, 7.1.1, as llhttp's strict mode
    /// reads it); or whose chunk data is not followed by CRLF (RFC 9112, 7.1). A response's
    /// chunk lines may end in LF alone, a request's may not.
    /// </summary>
    MalformedChunkedBody,

    /// <summary>A body longer than <see cref="HttpMessageParser.MaxBodyLength"/>, by its Content-Length, its chunks or the bytes before the close (413 for a request).</summary>
    BodyTooLarge,

    /// <summary>An HTTP/1.1 request without exactly one Host field (RFC 9112, 3.2).</summary>
    MissingHost,

    /// <summary>The stream ended (<see cref="HttpMessageParser.Finish"/>) inside a message that its framing says is not over.</summary>
    IncompleteMessage,
}

/// <summary>
/// Reads HTTP/1.1 messages (RFC 9112) incrementally from a byte stream, such as a TCP
/// connection's: the bytes may arrive in pieces of any size, down to one at a time, and the
/// result is the same. <see cref="Feed"/> consumes bytes until a message is complete, and
/// leaves the bytes after it, the start of the next message on a persistent connection,
/// unconsumed: the caller feeds them again, and that feed starts the next message. Lines
/// end in CRLF; a response's may also end in LF alone, which RFC 9112, 2.2 lets a recipient
/// take, but a request's may not (a bare LF in a request is how a header or a chunk line is
/// hidden from a server that reads it differently; llhttp's strict mode refuses it too).
/// Empty lines before a start line are skipped.
/// The body is framed by Content-Length or the chunked coding, which is taken off: the
/// message then has the decoded body, a Content-Length and no Transfer-Encoding (RFC 9112,
/// 7.1.3); trailer fields are checked and dropped. Never throws on any input; an error is
/// final until <see cref="Reset"/>.
/// </summary>
public abstract class HttpMessageParser
{
    /// <summary>The default <see cref="MaxHeaderBytes"/>: 8 KiB.</summary>
    public const int DefaultMaxHeaderBytes = 8 * 1024;

    /// <summary>The default <see cref="MaxHeaderCount"/>: 100.</summary>
    public const int DefaultMaxHeaderCount = 100;

    /// <summary>The default <see cref="MaxBodyLength"/>: 16 MiB.</summary>
    public const int DefaultMaxBodyLength = 16 * 1024 * 1024;

    private const string ChunkedCoding = "chunked";

    // The line being read, when it came in more than one piece.
    private readonly ArrayBufferWriter<byte> line = new();
    private State state;
    private int minorVersion;
    // The bytes of the section being read, for its limit: the start line and header
    // section, a chunk's size line, or the trailer section.
    private int sectionBytes;
    private HttpHeaders headers = new();
    private byte[] fixedBody = [];
    private int fixedBodyFilled;
    private ArrayBufferWriter<byte>? growingBody; // a chunked body, or one read until the close
    private long chunkRemaining;

    private protected HttpMessageParser()
    {
    }

    private enum State
    {
        StartLine,
        Headers,
        FixedBody,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        UntilClose,
        Complete,
        Failed,
    }

    private enum Framing
    {
        None,
        ContentLength,
        Chunked,
    }

    /// <summary>
    /// The most bytes a start line and header section may take, line ends and the empty
    /// line included (<see cref="HttpParseError.HeaderTooLarge"/> past it); also the limit
    /// of a chunk size line and of a trailer section. <see cref="DefaultMaxHeaderBytes"/> unless set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to 0 or less.</exception>
    public int MaxHeaderBytes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = DefaultMaxHeaderBytes;

    /// <summary>The most header fields a message may have (<see cref="HttpParseError.HeaderTooLarge"/> past it). <see cref="DefaultMaxHeaderCount"/> unless set.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 0.</exception>
    public int MaxHeaderCount
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = DefaultMaxHeaderCount;

    /// <summary>The longest body a message may have, decoded (<see cref="HttpParseError.BodyTooLarge"/> past it). <see cref="DefaultMaxBodyLength"/> unless set.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 0.</exception>
    public int MaxBodyLength
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = DefaultMaxBodyLength;

    /// <summary>Why the parse failed, when <see cref="Feed"/> or <see cref="Finish"/> returned <see cref="HttpParseStatus.Error"/>; otherwise <see cref="HttpParseError.None"/>.</summary>
    public HttpParseError Error { get; private set; }

    /// <summary>
    /// True when the message completed last was the connection's last HTTP message: it did
    /// not persist (<see cref="HttpMessage.KeepAlive"/> is false, or it was a response read
    /// until the close; RFC 9112, 9.3 and 9.6), or the connection became a tunnel after its
    /// header section (a CONNECT request, a 2xx response to CONNECT, or a 101 Switching
    /// Protocols response; RFC 9110, 9.3.6 and 15.2.2). The bytes after it are not read:
    /// <see cref="Feed"/> returns <see cref="HttpParseStatus.ConnectionEnded"/>. A 1xx interim
    /// response other than 101 never ends the connection, as the final response follows it.
    /// False until then, and again after <see cref="Reset"/>.
    /// </summary>
    public bool IsConnectionEnded { get; private set; }

    /// <summary>
    /// Reads bytes of the stream. Returns <see cref="HttpParseStatus.NeedMoreData"/> when all of
    /// <paramref name="data"/> was consumed and the message is not over;
    /// <see cref="HttpParseStatus.Complete"/> when a message is over, its last byte consumed
    /// and the bytes after it not (the message is then the parser's message property until
    /// a feed starts the next message); <see cref="HttpParseStatus.Error"/> when the bytes cannot be read
    /// (see <see cref="Error"/>), and for every call after that until <see cref="Reset"/>.
    /// A call after <see cref="HttpParseStatus.Complete"/> starts the next message, unless that
    /// message ended the connection (<see cref="IsConnectionEnded"/>): then it and every later
    /// call return <see cref="HttpParseStatus.ConnectionEnded"/> and consume nothing. Never throws.
    /// </summary>
    /// <param name="data">The next bytes of the stream; may be empty.</param>
    /// <param name="consumed">How many bytes from the start of <paramref name="data"/> were read.</param>
    public HttpParseStatus Feed(ReadOnlySpan<byte> data, out int consumed)
    {
        consumed = 0;
        if (state == State.Failed)
        {
            return HttpParseStatus.Error;
        }

        if (state == State.Complete)
        {
            if (IsConnectionEnded)
            {
                return HttpParseStatus.ConnectionEnded;
            }

            StartMessage();
        }

        while (true)
        {
            ReadOnlySpan<byte> rest = data[consumed..];
            HttpParseStatus? status = state switch
            {
                State.FixedBody => ReadFixedBody(rest, ref consumed),
                State.ChunkData => ReadChunkData(rest, ref consumed),
                State.UntilClose => ReadUntilClose(rest, ref consumed),
                State.StartLine or State.Headers or State.ChunkSize or State.ChunkDataEnd or State.Trailers => ReadLinePiece(rest, ref consumed),
                _ => throw new UnreachableException($"The parser does not read in state {state}."),
            };
            if (status is { } done)
            {
                return done;
            }
        }
    }

    /// <summary>
    /// Says that the stream has ended (the connection closed), and how that leaves the
    /// message: <see cref="HttpParseStatus.Complete"/> when it completes a response read
    /// until the close; <see cref="HttpParseStatus.NeedMoreData"/> when no message was under
    /// way (a clean close after the last complete message; empty lines do not count);
    /// <see cref="HttpParseStatus.Error"/> with <see cref="HttpParseError.IncompleteMessage"/>
    /// when the stream ended inside a message, or with the earlier error. Never throws.
    /// </summary>
    public HttpParseStatus Finish()
    {
        switch (state)
        {
            case State.Failed:
                return HttpParseStatus.Error;
            case State.Complete:
                return HttpParseStatus.NeedMoreData;
            case State.UntilClose:
                Publish(growingBody!.WrittenSpan.ToArray());
                IsConnectionEnded = true; // the close ended the body, and the connection with it
                return HttpParseStatus.Complete;
            case State.StartLine when line.WrittenCount == 0:
                return HttpParseStatus.NeedMoreData;
            default:
                return Fail(HttpParseError.IncompleteMessage);
        }
    }

    /// <summary>Forgets the message under way, or the error, and any message completed, and that the connection ended: the next byte fed starts a message.</summary>
    public void Reset()
    {
        StartMessage();
        Error = HttpParseError.None;
    }

    // Reads a start line whose characters are not yet checked (it is not empty and has no LF),
    // keeping its parts for the message.
    private protected abstract HttpParseError ReadStartLine(ReadOnlySpan<byte> text, out int minor);

    // Checks the header section as a whole, once it is read.
    private protected abstract HttpParseError CheckHeaderSection(HttpHeaders fields);

    // True when a line may end in LF alone, not only in CRLF (RFC 9112, 2.2: a recipient MAY
    // take it): for a response, not for a request.
    private protected abstract bool LineMayEndInLf { get; }

    // False when the message ends at its header section whatever its fields say.
    private protected abstract bool MessageHasBody { get; }

    // True when a message without framing fields has a body up to the close (a response),
    // false when it has none (a request).
    private protected abstract bool BodyRunsUntilClose { get; }

    // Makes the message of the parts read.
    private protected abstract void OnComplete(HttpHeaders fields, ReadOnlyMemory<byte> body);

    // True when the message just made is the connection's last (see IsConnectionEnded).
    private protected abstract bool EndsConnection { get; }

    // Forgets the last message.
    private protected abstract void OnStart();

    private void StartMessage()
    {
        state = State.StartLine;
        IsConnectionEnded = false;
        minorVersion = 0;
        sectionBytes = 0;
        headers = new HttpHeaders();
        fixedBody = [];
        fixedBodyFilled = 0;
        growingBody = null;
        chunkRemaining = 0;
        line.ResetWrittenCount();
        OnStart();
    }

    private HttpParseStatus Fail(HttpParseError error)
    {
        state = State.Failed;
        Error = error;
        return HttpParseStatus.Error;
    }

    private void Publish(ReadOnlyMemory<byte> body)
    {
        state = State.Complete;
        OnComplete(headers, body);
        IsConnectionEnded = EndsConnection;
    }

    // Each reader below takes the bytes left of a feed in its state and returns the feed's
    // status, or null when the state changed and the bytes left go on to the next state.
    private HttpParseStatus? ReadFixedBody(ReadOnlySpan<byte> rest, ref int consumed)
    {
        int count = Math.Min(rest.Length, fixedBody.Length - fixedBodyFilled);
        rest[..count].CopyTo(fixedBody.AsSpan(fixedBodyFilled));
        fixedBodyFilled += count;
        consumed += count;
        if (fixedBodyFilled < fixedBody.Length)
        {
            return HttpParseStatus.NeedMoreData;
        }

        Publish(fixedBody);
        return HttpParseStatus.Complete;
    }

    private HttpParseStatus? ReadChunkData(ReadOnlySpan<byte> rest, ref int consumed)
    {
        int count = (int)Math.Min(rest.Length, chunkRemaining);
        growingBody!.Write(rest[..count]);
        chunkRemaining -= count;
        consumed += count;
        if (chunkRemaining > 0)
        {
            return HttpParseStatus.NeedMoreData;
        }

        state = State.ChunkDataEnd;
        return null;
    }

    private HttpParseStatus? ReadUntilClose(ReadOnlySpan<byte> rest, ref int consumed)
    {
        if (rest.Length > MaxBodyLength - growingBody!.WrittenCount)
        {
            return Fail(HttpParseError.BodyTooLarge);
        }

        growingBody.Write(rest);
        consumed += rest.Length;
        return HttpParseStatus.NeedMoreData;
    }

    // Takes bytes up to the end of the line, or all of them; reads the line once it is whole.
    private HttpParseStatus? ReadLinePiece(ReadOnlySpan<byte> rest, ref int consumed)
    {
        if (rest.IsEmpty)
        {
            return HttpParseStatus.NeedMoreData;
        }

        int end = rest.IndexOf(HttpSyntax.Lf);
        int take = end < 0 ? rest.Length : end + 1;
        if (take > MaxHeaderBytes - sectionBytes)
        {
            return Fail(state is State.ChunkSize or State.ChunkDataEnd ? HttpParseError.MalformedChunkedBody : HttpParseError.HeaderTooLarge);
        }

        sectionBytes += take;
        consumed += take;
        if (end < 0)
        {
            line.Write(rest);
            return HttpParseStatus.NeedMoreData;
        }

        HttpParseError error;
        if (line.WrittenCount == 0)
        {
            error = ReadLine(rest[..end]); // the whole line is in this piece
        }
        else
        {
            line.Write(rest[..end]);
            error = ReadLine(line.WrittenSpan);
            line.ResetWrittenCount();
        }

        if (error != HttpParseError.None)
        {
            return Fail(error);
        }

        return state == State.Complete ? HttpParseStatus.Complete : null;
    }

    // Reads one line, its LF taken off, in the current state. The character checks of each
    // part reject a CR that does not end the line (RFC 9112, 2.2).
    private HttpParseError ReadLine(ReadOnlySpan<byte> text)
    {
        if (!text.IsEmpty && text[^1] == HttpSyntax.Cr)
        {
            text = text[..^1];
        }
        else if (!LineMayEndInLf)
        {
            // Every line of a request, even an empty one before the request line (which llhttp
            // skips, deliberately more lenient there), needs its CR: one rule, no exceptions.
            return state switch
            {
                State.StartLine => HttpParseError.MalformedStartLine,
                State.ChunkSize or State.ChunkDataEnd => HttpParseError.MalformedChunkedBody,
                _ => HttpParseError.MalformedHeader,
            };
        }

        switch (state)
        {
            case State.StartLine:
                // An empty line before the start line is skipped (RFC 9112, 2.2).
                return text.IsEmpty ? HttpParseError.None : StartLine(text);

            case State.Headers:
                if (text.IsEmpty)
                {
                    return EndHeaderSection();
                }

                return headers.Count >= MaxHeaderCount ? HttpParseError.HeaderTooLarge : ReadField(text, headers);

            case State.ChunkSize:
                return ReadChunkSize(text);

            case State.ChunkDataEnd:
                if (!text.IsEmpty)
                {
                    return HttpParseError.MalformedChunkedBody;
                }

                state = State.ChunkSize;
                sectionBytes = 0;
                return HttpParseError.None;

            case State.Trailers:
                if (text.IsEmpty)
                {
                    EndChunkedBody();
                    return HttpParseError.None;
                }

                return ReadField(text, null);

            default:
                throw new UnreachableException($"The parser does not read lines in state {state}.");
        }
    }

    private HttpParseError StartLine(ReadOnlySpan<byte> text)
    {
        HttpParseError error = ReadStartLine(text, out minorVersion);
        if (error == HttpParseError.None)
        {
            state = State.Headers;
        }

        return error;
    }

    // Reads a field line (RFC 9112, 5): a token, a colon, and a value between optional
    // whitespace. A line that starts with whitespace (obs-fold) or has whitespace before the
    // colon has no token before its colon. Adds the field to fields, unless null (trailers).
    private static HttpParseError ReadField(ReadOnlySpan<byte> text, HttpHeaders? fields)
    {
        int colon = text.IndexOf(HttpSyntax.Colon);
        if (colon < 0)
        {
            return HttpParseError.MalformedHeader;
        }

        ReadOnlySpan<byte> name = text[..colon];
        ReadOnlySpan<byte> value = HttpSyntax.TrimWhitespace(text[(colon + 1)..]);
        if (!HttpSyntax.IsToken(name) || !HttpSyntax.IsFieldText(value))
        {
            return HttpParseError.MalformedHeader;
        }

        fields?.AddUnchecked(HttpSyntax.Text(name), HttpSyntax.Text(value));
        return HttpParseError.None;
    }

    // The header section is over: decides how the body is framed (RFC 9112, 6.3).
    private HttpParseError EndHeaderSection()
    {
        HttpParseError error = CheckHeaderSection(headers);
        if (error != HttpParseError.None)
        {
            return error;
        }

        if (!MessageHasBody)
        {
            Publish(ReadOnlyMemory<byte>.Empty);
            return HttpParseError.None;
        }

        error = ReadFraming(out Framing framing, out int length);
        if (error != HttpParseError.None)
        {
            return error;
        }

        switch (framing)
        {
            case Framing.ContentLength when length > 0:
                fixedBody = new byte[length];
                state = State.FixedBody;
                break;
            case Framing.Chunked:
                growingBody = new ArrayBufferWriter<byte>();
                state = State.ChunkSize;
                sectionBytes = 0;
                break;
            case Framing.None when BodyRunsUntilClose:
                growingBody = new ArrayBufferWriter<byte>();
                state = State.UntilClose;
                break;
            default:
                Publish(ReadOnlyMemory<byte>.Empty);
                break;
        }

        return HttpParseError.None;
    }

    // For a message that has no body but whose framing fields are still checked (a CONNECT
    // request): refuses what InvalidContentLength covers, Content-Length with
    // Transfer-Encoding and a malformed or conflicting Content-Length, as llhttp does while it
    // reads the fields; ignores the rest of what the fields say.
    private protected HttpParseError CheckFramingFields() =>
        ReadFraming(out _, out _) == HttpParseError.InvalidContentLength ? HttpParseError.InvalidContentLength : HttpParseError.None;

    // Reads Transfer-Encoding and Content-Length, from every field and every list element.
    private HttpParseError ReadFraming(out Framing framing, out int length)
    {
        framing = Framing.None;
        length = 0;
        bool hasTransferEncoding = false;
        int codings = 0;
        bool lastIsChunked = false;
        bool hasContentLength = false;
        bool badContentLength = false;
        long contentLength = -1;
        foreach (KeyValuePair<string, string> field in headers)
        {
            ReadOnlySpan<char> list = field.Value;
            if (HttpHeaders.NameEquals(field.Key, HttpMessage.TransferEncodingName))
            {
                hasTransferEncoding = true;
                foreach (Range element in list.Split(','))
                {
                    ReadOnlySpan<char> coding = HttpSyntax.TrimWhitespace(list[element]);
                    if (!coding.IsEmpty)
                    {
                        codings++;
                        lastIsChunked = coding.Equals(ChunkedCoding, StringComparison.OrdinalIgnoreCase);
                    }
                }
            }
            else if (HttpHeaders.NameEquals(field.Key, HttpMessage.ContentLengthName))
            {
                hasContentLength = true;
                foreach (Range element in list.Split(','))
                {
                    if (!TryReadDecimal(HttpSyntax.TrimWhitespace(list[element]), out long value) || (contentLength >= 0 && value != contentLength))
                    {
                        badContentLength = true;
                    }
                    else
                    {
                        contentLength = value;
                    }
                }
            }
        }

        if (hasTransferEncoding)
        {
            if (hasContentLength)
            {
                return HttpParseError.InvalidContentLength;
            }

            if (minorVersion == 0 || codings != 1 || !lastIsChunked)
            {
                return HttpParseError.UnsupportedTransferEncoding;
            }

            framing = Framing.Chunked;
            return HttpParseError.None;
        }

        if (hasContentLength)
        {
            if (badContentLength)
            {
                return HttpParseError.InvalidContentLength;
            }

            if (contentLength > MaxBodyLength)
            {
                return HttpParseError.BodyTooLarge;
            }

            framing = Framing.ContentLength;
            length = (int)contentLength;
        }

        return HttpParseError.None;
    }

    // 1*DIGIT as a count (RFC 9110, 8.6); false past a long.
    private static bool TryReadDecimal(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            int digit = c - '0';
            if (value > (long.MaxValue - digit) / 10)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        return true;
    }

    // chunk-size [ chunk-ext ] (RFC 9112, 7.1): hexadecimal digits, then nothing but
    // extensions, which are checked (HttpSyntax.IsChunkExtensions) and not kept. Whitespace
    // after the size is refused, as llhttp's strict mode refuses it.
    private HttpParseError ReadChunkSize(ReadOnlySpan<byte> text)
    {
        int digits = 0;
        long size = 0;
        while (digits < text.Length && char.IsAsciiHexDigit((char)text[digits]))
        {
            int b = text[digits];
            size = (size * 16) + (b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10);
            digits++;
            if (size > MaxBodyLength)
            {
                return HttpParseError.BodyTooLarge; // and before a long could overflow
            }
        }

        if (digits == 0 || !HttpSyntax.IsChunkExtensions(text[digits..]))
        {
            return HttpParseError.MalformedChunkedBody;
        }

        if (size > MaxBodyLength - growingBody!.WrittenCount)
        {
            return HttpParseError.BodyTooLarge;
        }

        sectionBytes = 0;
        if (size == 0)
        {
            state = State.Trailers;
            return HttpParseError.None;
        }

        chunkRemaining = size;
        state = State.ChunkData;
        return HttpParseError.None;
    }

    // The last chunk and trailer section are read: the message takes the decoded body, and
    // Content-Length in place of Transfer-Encoding (RFC 9112, 7.1.3).
    private void EndChunkedBody()
    {
        byte[] body = growingBody!.WrittenSpan.ToArray();
        headers.Remove(HttpMessage.TransferEncodingName);
        headers.AddUnchecked(HttpMessage.ContentLengthName, body.Length.ToString(CultureInfo.InvariantCulture));
        Publish(body);
    }
}
