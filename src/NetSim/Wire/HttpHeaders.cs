using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace NetSim.Wire;

/// <summary>
/// The header fields of an HTTP message (RFC 9110, 5): (name, value) pairs in the order
/// they were added or received, names kept as written and looked up without regard to case.
/// A name may come more than once. <see cref="Add"/> checks what it is given, so that a
/// message always writes a well-formed header section: a name is a token, and a value has
/// no control characters (so no CR or LF), no characters past Latin-1 and no whitespace at
/// either end.
/// </summary>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "HTTP calls them headers, as System.Net.Http.Headers.HttpHeaders does.")]
public sealed class HttpHeaders : IReadOnlyList<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> fields = [];

    /// <summary>The number of fields, repeated names counted each time.</summary>
    public int Count => fields.Count;

    /// <summary>The field at <paramref name="index"/>, in order.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public KeyValuePair<string, string> this[int index] => fields[index];

    /// <summary>Adds a field after the others, even when one of the same name is there.</summary>
    /// <exception cref="ArgumentException">The name is not a token, or the value cannot be written as a field value.</exception>
    public void Add(string name, string value)
    {
        Check(name, value);
        fields.Add(new(name, value));
    }

    /// <summary>
    /// Gives the field <paramref name="name"/> the one value <paramref name="value"/>: the
    /// first field of that name takes it where it stands and any later ones are removed, or
    /// the field is added at the end when there is none.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not a token, or the value cannot be written as a field value.</exception>
    public void Set(string name, string value)
    {
        Check(name, value);
        int first = fields.FindIndex(field => NameEquals(field.Key, name));
        if (first < 0)
        {
            fields.Add(new(name, value));
            return;
        }

        fields[first] = new(fields[first].Key, value);
        for (int i = fields.Count - 1; i > first; i--)
        {
            if (NameEquals(fields[i].Key, name))
            {
                fields.RemoveAt(i);
            }
        }
    }

    /// <summary>Removes every field named <paramref name="name"/>, and says how many there were.</summary>
    public int Remove(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return fields.RemoveAll(field => NameEquals(field.Key, name));
    }

    /// <summary>True when a field is named <paramref name="name"/>, in any case.</summary>
    public bool Contains(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return fields.Exists(field => NameEquals(field.Key, name));
    }

    /// <summary>The value of the first field named <paramref name="name"/>, in any case; false when there is none.</summary>
    public bool TryGetValue(string name, [NotNullWhen(true)] out string? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (KeyValuePair<string, string> field in fields)
        {
            if (NameEquals(field.Key, name))
            {
                value = field.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>The values of every field named <paramref name="name"/>, in any case, in order; empty when there is none.</summary>
    public IReadOnlyList<string> GetValues(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return [.. fields.Where(field => NameEquals(field.Key, name)).Select(field => field.Value)];
    }

    /// <summary>The fields in order.</summary>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // Adds a field read from the wire, whose characters the parser has checked.
    internal void AddUnchecked(string name, string value) => fields.Add(new(name, value));

    // True when a field named name has token among its comma-separated elements, in any
    // case (RFC 9110, 5.6.1): how the Connection field's options are read.
    internal bool ContainsToken(string name, string token)
    {
        foreach (KeyValuePair<string, string> field in fields)
        {
            if (!NameEquals(field.Key, name))
            {
                continue;
            }

            ReadOnlySpan<char> value = field.Value;
            foreach (Range element in value.Split(','))
            {
                if (HttpSyntax.TrimWhitespace(value[element]).Equals(token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    internal static bool NameEquals(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static void Check(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!HttpSyntax.IsToken(name))
        {
            throw new ArgumentException($"'{name}' is not a field name: a name is a token, one or more letters, digits and !#$%&'*+-.^_`|~ (RFC 9110, 5.1).", nameof(name));
        }

        if (!HttpSyntax.IsFieldValue(value))
        {
            throw new ArgumentException($"The value of '{name}' cannot be written as a field value: it holds a control character (such as CR or LF), a character past Latin-1, or whitespace at an end (RFC 9110, 5.5).", nameof(value));
        }
    }
}
