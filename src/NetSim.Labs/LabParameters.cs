using System.Text;
using System.Text.RegularExpressions;

namespace NetSim.Labs;

/// <summary>
/// The parameters of a lab file: <c>${name}</c> and <c>${name:-default}</c> in its text, replaced before it is read,
/// so one file describes a family of labs (a sweep varies them: <c>netsim sweep lab.yaml --vary rate=10Mbps,100Mbps</c>).
/// A name is letters, digits, '-' and '_'; a default runs to the closing brace.
/// </summary>
public static partial class LabParameters
{
    /// <summary>The parameters <paramref name="text"/> uses, in the order they first appear, each with its default (null when it has none).</summary>
    /// <param name="text">A lab file's text.</param>
    /// <returns>The parameters by name.</returns>
    public static IReadOnlyList<KeyValuePair<string, string?>> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<KeyValuePair<string, string?>>();
        foreach (Match match in Placeholder().Matches(text))
        {
            string name = match.Groups["name"].Value;
            if (!found.Exists(p => p.Key == name))
            {
                found.Add(KeyValuePair.Create(name, match.Groups["default"].Success ? (string?)match.Groups["default"].Value : null));
            }
        }

        return found;
    }

    /// <summary>The text with every placeholder replaced by its value, or its default.</summary>
    /// <exception cref="LabFileException">A placeholder has no value and no default, or a value is given for a name the file does not use.</exception>
    internal static string Substitute(string text, string fileName, IReadOnlyDictionary<string, string>? parameters)
    {
        if (!text.Contains("${", StringComparison.Ordinal))
        {
            if (parameters is { Count: > 0 })
            {
                throw new LabFileException(fileName, 0, 0, $"the lab has no parameter '{parameters.Keys.First()}'; it uses none (write ${{name}} or ${{name:-default}} where a value should vary)");
            }

            return text;
        }

        IReadOnlyList<KeyValuePair<string, string?>> used = Find(text);
        foreach (string name in parameters?.Keys ?? [])
        {
            if (!used.Any(p => p.Key == name))
            {
                throw new LabFileException(fileName, 0, 0, $"the lab has no parameter '{name}'; its parameters are {string.Join(", ", used.Select(p => p.Key))}");
            }
        }

        var result = new StringBuilder(text.Length);
        int last = 0;
        foreach (Match match in Placeholder().Matches(text))
        {
            string name = match.Groups["name"].Value;
            string? value = parameters is not null && parameters.TryGetValue(name, out string? given) ? given
                : match.Groups["default"].Success ? match.Groups["default"].Value
                : null;
            if (value is null)
            {
                (int line, int column) = Position(text, match.Index);
                throw new LabFileException(fileName, line, column, $"the parameter '{name}' has no value; give one (netsim run --set {name}=VALUE), or a default in the file: ${{{name}:-VALUE}}");
            }

            _ = result.Append(text, last, match.Index - last).Append(value);
            last = match.Index + match.Length;
        }

        return result.Append(text, last, text.Length - last).ToString();
    }

    private static (int Line, int Column) Position(string text, int index)
    {
        int line = 1, lineStart = 0;
        for (int i = 0; i < index; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, index - lineStart + 1);
    }

    /// <summary>The values of <paramref name="assignment"/>, "name=v1,v2,v3".</summary>
    /// <param name="assignment">A name, '=', and one value or several separated by commas.</param>
    /// <param name="name">The parameter's name.</param>
    /// <param name="values">Its values, in order.</param>
    /// <returns>False when the text is not of that form.</returns>
    public static bool TryParseAssignment(string assignment, out string name, out IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        int equals = assignment.IndexOf('=', StringComparison.Ordinal);
        name = equals > 0 ? assignment[..equals].Trim() : "";
        values = equals > 0 ? [.. assignment[(equals + 1)..].Split(',').Select(v => v.Trim())] : [];
        return name.Length > 0 && NameOnly().IsMatch(name) && values.Count > 0 && values.All(v => v.Length > 0);
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z0-9_-]+)(:-(?<default>[^}]*))?\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^[A-Za-z0-9_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex NameOnly();
}
