namespace NetSim.Wire;

/// <summary>
/// Domain names (RFC 1035, 2.3.4, 3.1 and 4.1.4) between their text and their wire form.
/// The text is dot-separated without the trailing dot ("www.example.com"; the root is ""),
/// with the master-file escapes of RFC 1035, 5.1 for the bytes that are not plain printable
/// ASCII: "\." for a dot inside a label, "\\" for a backslash, "\DDD" (three decimal digits)
/// for the rest, so that any label reads back to the same bytes.
/// </summary>
internal static class DnsName
{
    /// <summary>The longest name on the wire, length bytes and the root's zero included (RFC 1035, 2.3.4).</summary>
    internal const int MaxLength = 255;

    /// <summary>The longest label.</summary>
    internal const int MaxLabelLength = 63;

    /// <summary>The two high bits of a compression pointer; 0x40 and 0x80 are reserved label types.</summary>
    internal const byte PointerBits = 0xc0;

    /// <summary>The highest offset a 14-bit compression pointer reaches.</summary>
    internal const int MaxPointerOffset = 0x3fff;

    // Room for the text of any name: a name of c label bytes in n labels takes at most
    // 4c + n - 1 characters, and c + n + 1 <= 255.
    private const int MaxTextLength = 1024;

    /// <summary>
    /// Writes <paramref name="name"/> (text as above; a trailing dot is allowed) uncompressed
    /// into <paramref name="wire"/>, which has room for <see cref="MaxLength"/> bytes, and
    /// returns null, or says why it cannot be written.
    /// </summary>
    internal static string? TryEncode(string? name, Span<byte> wire, out int length)
    {
        length = 0;
        if (name is null)
        {
            return "A DNS name is null.";
        }

        ReadOnlySpan<char> text = name == "." ? "" : name;
        int labelStart = 0; // where the current label's length byte goes
        int at = 1; // where its next byte goes
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i++];
            if (c == '.')
            {
                if (at == labelStart + 1)
                {
                    return $"The DNS name \"{name}\" has an empty label.";
                }

                wire[labelStart] = (byte)(at - labelStart - 1);
                labelStart = at++;
                continue;
            }

            int b = c;
            if (c == '\\')
            {
                if (i + 3 <= text.Length && char.IsAsciiDigit(text[i]) && char.IsAsciiDigit(text[i + 1]) && char.IsAsciiDigit(text[i + 2]))
                {
                    b = ((text[i] - '0') * 100) + ((text[i + 1] - '0') * 10) + (text[i + 2] - '0');
                    i += 3;
                    if (b > byte.MaxValue)
                    {
                        return $"The DNS name \"{name}\" has an escape \\{b} above \\255.";
                    }
                }
                else if (i < text.Length)
                {
                    b = text[i++];
                    if (b > 0x7f)
                    {
                        return $"The DNS name \"{name}\" is not ASCII (write an internationalized name in its xn-- form, or a byte as \\DDD).";
                    }
                }
                else
                {
                    return $"The DNS name \"{name}\" ends in a lone backslash.";
                }
            }
            else if (b > 0x7f)
            {
                return $"The DNS name \"{name}\" is not ASCII (write an internationalized name in its xn-- form, or a byte as \\DDD).";
            }

            if (at - labelStart - 1 == MaxLabelLength)
            {
                return $"The DNS name \"{name}\" has a label longer than {MaxLabelLength} bytes.";
            }

            if (at > MaxLength - 2)
            {
                return $"The DNS name \"{name}\" is longer than {MaxLength} bytes on the wire.";
            }

            wire[at++] = (byte)b;
        }

        if (at == labelStart + 1)
        {
            at = labelStart; // the root, or the empty label after a trailing dot: the root is here
        }
        else
        {
            wire[labelStart] = (byte)(at - labelStart - 1);
        }

        wire[at] = 0;
        length = at + 1;
        return null;
    }

    /// <summary>
    /// Reads the name at <paramref name="position"/> in <paramref name="message"/>, following
    /// compression pointers, and moves <paramref name="position"/> past the name as it lies
    /// there (its labels and its pointer, if any). Never throws. Each pointer must point
    /// strictly before the start of the run of labels it ends (a prior occurrence, RFC 1035,
    /// 4.1.4), so the positions read fall with each jump and the walk ends.
    /// </summary>
    internal static WireError TryRead(ReadOnlySpan<byte> message, ref int position, out string name)
    {
        Span<byte> wire = stackalloc byte[MaxLength];
        WireError error = TryRead(message, ref position, wire, out int length);
        name = error == WireError.None ? ToText(wire[..length]) : "";
        return error;
    }

    /// <summary>
    /// Reads the name at <paramref name="position"/> as <see cref="TryRead(ReadOnlySpan{byte}, ref int, out string)"/>
    /// does, into <paramref name="wire"/> (room for <see cref="MaxLength"/> bytes) uncompressed:
    /// its labels and the root's zero byte, <paramref name="length"/> bytes in all.
    /// </summary>
    internal static WireError TryRead(ReadOnlySpan<byte> message, ref int position, Span<byte> wire, out int length)
    {
        length = 0;
        int written = 0;
        int at = position;
        int runStart = position;
        int end = -1; // where the name ends in the message, once a pointer is followed
        while (true)
        {
            if (at >= message.Length)
            {
                return WireError.Truncated;
            }

            byte labelLength = message[at];
            if ((labelLength & PointerBits) == PointerBits)
            {
                if (at + 1 >= message.Length)
                {
                    return WireError.Truncated;
                }

                int target = ((labelLength & ~PointerBits) << 8) | message[at + 1];
                if (target >= message.Length)
                {
                    return WireError.BadDnsPointer;
                }

                if (target >= runStart)
                {
                    // Back into this run (itself included), it would read the same labels
                    // and come back here forever; ahead, it may or may not come back.
                    return target <= at ? WireError.DnsCompressionLoop : ClassifyForwardPointer(message, target);
                }

                if (end < 0)
                {
                    end = at + 2;
                }

                runStart = at = target;
                continue;
            }

            if ((labelLength & PointerBits) != 0)
            {
                return WireError.BadDnsName; // a reserved label type (RFC 1035, 4.1.4; RFC 6891)
            }

            if (labelLength == 0)
            {
                wire[written++] = 0;
                position = end < 0 ? at + 1 : end;
                length = written;
                return WireError.None;
            }

            if (written + 1 + labelLength + 1 > MaxLength)
            {
                return WireError.BadDnsName; // with the root's zero byte, over 255 bytes
            }

            if (at + 1 + labelLength > message.Length)
            {
                return WireError.Truncated;
            }

            message.Slice(at, 1 + labelLength).CopyTo(wire[written..]);
            written += 1 + labelLength;
            at += 1 + labelLength;
        }
    }

    /// <summary>
    /// The length of the uncompressed name at the start of <paramref name="data"/> (labels
    /// and the root's zero byte, no pointers, at most <see cref="MaxLength"/> bytes), or -1
    /// when no such name starts there.
    /// </summary>
    internal static int MeasureUncompressed(ReadOnlySpan<byte> data)
    {
        int at = 0;
        while (at < data.Length && at < MaxLength)
        {
            byte labelLength = data[at];
            if (labelLength == 0)
            {
                return at + 1;
            }

            if (labelLength > MaxLabelLength)
            {
                return -1; // a pointer or a reserved label type
            }

            at += 1 + labelLength;
        }

        return -1;
    }

    /// <summary>The text of the uncompressed name <paramref name="wire"/> (labels and the root's zero byte).</summary>
    internal static string ToText(ReadOnlySpan<byte> wire)
    {
        Span<char> text = stackalloc char[MaxTextLength];
        int chars = 0;
        int at = 0;
        while (wire[at] != 0)
        {
            if (chars > 0)
            {
                text[chars++] = '.';
            }

            foreach (byte b in wire.Slice(at + 1, wire[at]))
            {
                chars += AppendEscaped(b, text[chars..]);
            }

            at += 1 + wire[at];
        }

        return new string(text[..chars]);
    }

    /// <summary>
    /// The names from <paramref name="name"/> up to the root, as text: the name itself, its
    /// parent, and so on, the root ("") last. The name must be one that can be written.
    /// </summary>
    internal static List<string> SelfAndAncestors(string name)
    {
        Span<byte> wire = stackalloc byte[MaxLength];
        if (TryEncode(name, wire, out _) is { } problem)
        {
            throw new ArgumentException(problem, nameof(name));
        }

        var names = new List<string>();
        int at = 0;
        while (true)
        {
            names.Add(ToText(wire[at..]));
            if (wire[at] == 0)
            {
                return names;
            }

            at += 1 + wire[at];
        }
    }

    /// <summary>
    /// Writes <paramref name="name"/> in its one text form: as read back from its wire form
    /// (no trailing dot, escapes only where needed). False when it cannot be written.
    /// </summary>
    internal static bool TryNormalize(string? name, out string text)
    {
        Span<byte> wire = stackalloc byte[MaxLength];
        if (TryEncode(name, wire, out int length) is not null)
        {
            text = "";
            return false;
        }

        text = ToText(wire[..length]);
        return true;
    }

    /// <summary>
    /// True when <paramref name="name"/> is <paramref name="ancestor"/> or lies under it
    /// (ends in its labels), letters compared without case. Both must be names that can be written.
    /// </summary>
    internal static bool IsAtOrUnder(string name, string ancestor)
    {
        foreach (string suffix in SelfAndAncestors(name))
        {
            if (Equal(suffix, ancestor))
            {
                return true;
            }
        }

        return false;
    }

    // A pointer ahead of its run breaks RFC 1035, 4.1.4. Says whether following it would
    // loop (DnsCompressionLoop) or not (BadDnsPointer), by walking on from it: a walk that
    // does not loop reads each position at most once, so one longer than the message loops.
    private static WireError ClassifyForwardPointer(ReadOnlySpan<byte> message, int target)
    {
        int at = target;
        for (int steps = 0; steps <= message.Length; steps++)
        {
            if (at >= message.Length || message[at] == 0)
            {
                return WireError.BadDnsPointer;
            }

            byte length = message[at];
            if ((length & PointerBits) == PointerBits)
            {
                if (at + 1 >= message.Length)
                {
                    return WireError.BadDnsPointer;
                }

                at = ((length & ~PointerBits) << 8) | message[at + 1];
            }
            else if ((length & PointerBits) != 0)
            {
                return WireError.BadDnsPointer;
            }
            else
            {
                at += 1 + length;
            }
        }

        return WireError.DnsCompressionLoop;
    }

    // Writes a label byte as text: itself when plain printable ASCII, escaped otherwise.
    private static int AppendEscaped(byte b, Span<char> text)
    {
        if (b is (byte)'.' or (byte)'\\')
        {
            text[0] = '\\';
            text[1] = (char)b;
            return 2;
        }

        if (b is > (byte)' ' and < 0x7f)
        {
            text[0] = (char)b;
            return 1;
        }

        text[0] = '\\';
        text[1] = (char)('0' + (b / 100));
        text[2] = (char)('0' + (b / 10 % 10));
        text[3] = (char)('0' + (b % 10));
        return 4;
    }

    /// <summary>
    /// True when two names in text are the same name: equal but for the case of ASCII
    /// letters (RFC 1035, 2.3.3; RFC 4343), a trailing dot ignored.
    /// </summary>
    internal static bool Equal(string a, string b)
    {
        ReadOnlySpan<char> x = TrimRootDot(a);
        ReadOnlySpan<char> y = TrimRootDot(b);
        if (x.Length != y.Length)
        {
            return false;
        }

        for (int i = 0; i < x.Length; i++)
        {
            if (ToLowerAscii(x[i]) != ToLowerAscii(y[i]))
            {
                return false;
            }
        }

        return true;
    }

    // The key under which a suffix already written is kept for compression: its wire bytes
    // with ASCII letters lowered (length bytes, at most 63, are never letters).
    internal static string SuffixKey(ReadOnlySpan<byte> wire)
    {
        Span<char> key = stackalloc char[wire.Length];
        for (int i = 0; i < wire.Length; i++)
        {
            key[i] = ToLowerAscii((char)wire[i]);
        }

        return new string(key);
    }

    private static char ToLowerAscii(char c) => char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;

    // Drops a trailing dot that ends the name (not an escaped "\." that ends a label).
    private static ReadOnlySpan<char> TrimRootDot(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name[^1] != '.')
        {
            return name;
        }

        int backslashes = 0;
        for (int i = name.Length - 2; i >= 0 && name[i] == '\\'; i--)
        {
            backslashes++;
        }

        return backslashes % 2 == 0 ? name[..^1] : name;
    }
}
