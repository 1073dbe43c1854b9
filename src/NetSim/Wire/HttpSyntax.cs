using System.Text;

namespace NetSim.Wire;

/// <summary>
/// The character classes of HTTP/1.1's grammar (RFC 9110, 5.6; RFC 9112), over the bytes
/// of the wire and over the chars of the strings that stand for them. HTTP's text is
/// Latin-1 (field values may carry obs-text, 0x80 to 0xFF), so a byte is a char and back.
/// </summary>
internal static class HttpSyntax
{
    public const byte Cr = (byte)'\r';
    public const byte Lf = (byte)'\n';
    public const byte Space = (byte)' ';
    public const byte Tab = (byte)'\t';
    public const byte Colon = (byte)':';

    /// <summary>The versions NetSim speaks, as written in a start line.</summary>
    public const string Http10 = "HTTP/1.0";

    /// <inheritdoc cref="Http10"/>
    public const string Http11 = "HTTP/1.1";

    private const int VersionLength = 8; // "HTTP/" DIGIT "." DIGIT

    // tchar (RFC 9110, 5.6.2): the characters of a token, such as a method or a field name.
    public static bool IsTokenChar(int c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';

    // A field value's characters (RFC 9110, 5.5): HTAB, SP, VCHAR and obs-text. The reason
    // phrase of a status line has the same ones (RFC 9112, 4).
    public static bool IsFieldValueChar(int c) => c == '\t' || (c >= ' ' && c != 0x7f && c <= 0xff);

    // The characters of a request target (RFC 9112, 3.2): a URI or an authority, visible ASCII.
    public static bool IsTargetChar(int c) => c is > ' ' and < 0x7f;

    public static bool IsWhitespace(int c) => c is ' ' or '\t';

    public static bool IsToken(ReadOnlySpan<byte> text)
    {
        foreach (byte b in text)
        {
            if (!IsTokenChar(b))
            {
                return false;
            }
        }

        return !text.IsEmpty;
    }

    public static bool IsToken(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!IsTokenChar(c))
            {
                return false;
            }
        }

        return !text.IsEmpty;
    }

    public static bool IsTarget(ReadOnlySpan<byte> text)
    {
        foreach (byte b in text)
        {
            if (!IsTargetChar(b))
            {
                return false;
            }
        }

        return !text.IsEmpty;
    }

    public static bool IsTarget(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!IsTargetChar(c))
            {
                return false;
            }
        }

        return !text.IsEmpty;
    }

    // True when every byte may be in a field value (or a reason phrase); empty is allowed.
    public static bool IsFieldText(ReadOnlySpan<byte> text)
    {
        foreach (byte b in text)
        {
            if (!IsFieldValueChar(b))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsFieldText(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!IsFieldValueChar(c))
            {
                return false;
            }
        }

        return true;
    }

    // A field value as a sender writes it: field text without whitespace at either end,
    // which a recipient would strip (RFC 9112, 5).
    public static bool IsFieldValue(ReadOnlySpan<char> text) =>
        IsFieldText(text) && (text.IsEmpty || (!IsWhitespace(text[0]) && !IsWhitespace(text[^1])));

    // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ), with
    // chunk-ext-name = token and chunk-ext-val = token / quoted-string (RFC 9112, 7.1.1).
    // True when text is such a list (empty included) without any BWS. Refusing the BWS
    // follows llhttp's strict mode and is stricter than the RFC, whose recipient would take
    // it off (RFC 9110, 5.6.3): where two parsers in a chain disagree on what a chunk line
    // holds, one reads body where the other reads a chunk size, which is how chunked bodies
    // are smuggled, and no sender is allowed to write the whitespace anyway. NetSim is also
    // deliberately stricter than llhttp, which takes an empty name or value (";;", ";=v",
    // ";n="): the grammar has a token, one character or more, in each place.
    public static bool IsChunkExtensions(ReadOnlySpan<byte> text)
    {
        int at = 0;
        while (at < text.Length)
        {
            if (text[at] != ';')
            {
                return false;
            }

            at++;
            int name = TokenLength(text[at..]);
            if (name == 0)
            {
                return false;
            }

            at += name;
            if (at < text.Length && text[at] == '=')
            {
                at++;
                ReadOnlySpan<byte> rest = text[at..];
                int value = !rest.IsEmpty && rest[0] == '"' ? QuotedStringLength(rest) : TokenLength(rest);
                if (value == 0)
                {
                    return false;
                }

                at += value;
            }
        }

        return true;
    }

    public static ReadOnlySpan<byte> TrimWhitespace(ReadOnlySpan<byte> text) => text.Trim(" \t"u8);

    public static ReadOnlySpan<char> TrimWhitespace(ReadOnlySpan<char> text) => text.Trim(" \t");

    // The length of the token at the start of text; 0 when it starts with no tchar.
    private static int TokenLength(ReadOnlySpan<byte> text)
    {
        int length = 0;
        while (length < text.Length && IsTokenChar(text[length]))
        {
            length++;
        }

        return length;
    }

    // quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110, 5.6.4): the length,
    // quotes included, of the one that text starts with (at its '"'); 0 when it is not closed
    // or holds a character that may not be there. qdtext is a field value's characters but
    // '"' and '\'; a quoted-pair is '\' and any of a field value's characters.
    private static int QuotedStringLength(ReadOnlySpan<byte> text)
    {
        for (int at = 1; at < text.Length; at++)
        {
            byte b = text[at];
            if (b == '"')
            {
                return at + 1;
            }

            if (b == '\\' && ++at == text.Length)
            {
                return 0;
            }

            if (!IsFieldValueChar(text[at]))
            {
                return 0;
            }
        }

        return 0;
    }

    /// <summary>
    /// Reads an HTTP-version (RFC 9112, 2.3): "HTTP/" DIGIT "." DIGIT, name case-sensitive.
    /// Anything else is not a version (<see cref="HttpParseError.MalformedStartLine"/>); a
    /// version whose major number is not 1 is one NetSim does not speak
    /// (<see cref="HttpParseError.UnsupportedVersion"/>). Any minor version of 1 is read
    /// (RFC 9110, 2.5), and <paramref name="minor"/> says which.
    /// </summary>
    public static HttpParseError ReadVersion(ReadOnlySpan<byte> text, out int minor)
    {
        minor = 0;
        if (text.Length != VersionLength || !text.StartsWith("HTTP/"u8) || !char.IsAsciiDigit((char)text[5]) || text[6] != '.' || !char.IsAsciiDigit((char)text[7]))
        {
            return HttpParseError.MalformedStartLine;
        }

        if (text[5] != '1')
        {
            return HttpParseError.UnsupportedVersion;
        }

        minor = text[7] - '0';
        return HttpParseError.None;
    }

    /// <summary>True when <paramref name="version"/> is an HTTP/1.x version, as <see cref="ReadVersion"/> reads it.</summary>
    public static bool IsSupportedVersion(string version) =>
        version.Length == VersionLength && version.StartsWith("HTTP/1.", StringComparison.Ordinal) && char.IsAsciiDigit(version[7]);

    // The text of bytes whose characters have been checked: Latin-1, a byte per char.
    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);
}
