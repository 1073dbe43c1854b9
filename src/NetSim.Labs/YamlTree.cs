using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace NetSim.Labs;

/// <summary>A node of a lab file, with where it starts: our own tree, so that duplicate keys are kept to be reported.</summary>
internal abstract class YamlNode(LabPosition position)
{
    public LabPosition Position { get; } = position;

    public abstract string Describe { get; }
}

/// <summary>A scalar; <see cref="IsNull"/> for a plain ~, null or empty value.</summary>
internal sealed class YamlScalar(LabPosition position, string value, bool plain) : YamlNode(position)
{
    public string Value { get; } = value;

    /// <summary>Written without quotes (so 3 may be a number and true a boolean, for the schema's tests).</summary>
    public bool IsPlain { get; } = plain;

    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string Describe => IsNull ? "nothing" : $"'{Value}'";
}

/// <summary>A sequence (a list).</summary>
internal sealed class YamlSequence(LabPosition position, List<YamlNode> items) : YamlNode(position)
{
    public IReadOnlyList<YamlNode> Items { get; } = items;

    public override string Describe => "a list";
}

/// <summary>A mapping, its keys in order, duplicates kept.</summary>
internal sealed class YamlMapping(LabPosition position, List<KeyValuePair<YamlScalar, YamlNode>> entries) : YamlNode(position)
{
    public IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Entries { get; } = entries;

    public override string Describe => "a mapping (keys and values)";
}

/// <summary>Reads a YAML (or JSON) text into <see cref="YamlNode"/>s with YamlDotNet's parser.</summary>
internal static class YamlTree
{
    public static YamlNode? Read(string text, string fileName)
    {
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                return null;
            }

            parser.Consume<DocumentStart>();
            YamlNode root = ReadNode(parser, fileName, 0);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                ParsingEvent extra = parser.Current!;
                throw new LabFileException(fileName, (int)extra.Start.Line, (int)extra.Start.Column, "a lab file holds one document; a second one starts here");
            }

            return root;
        }
        catch (YamlException e)
        {
            throw new LabFileException(fileName, (int)e.Start.Line, (int)e.Start.Column, $"this is not valid YAML: {Lower(e.Message)}", e);
        }
    }

    private static string Lower(string message)
    {
        string text = message.Trim().TrimEnd('.');
        return text.Length > 0 ? char.ToLowerInvariant(text[0]) + text[1..] : text;
    }

    /// <summary>No lab nests deeper; a deeper text is refused before it can exhaust the stack.</summary>
    private const int MaxDepth = 32;

    private static YamlNode ReadNode(IParser parser, string fileName, int depth)
    {
        ParsingEvent next = parser.Current!;
        var position = new LabPosition((int)next.Start.Line, (int)next.Start.Column);
        if (next is NodeEvent { Anchor.IsEmpty: false } || next is AnchorAlias)
        {
            throw new LabFileException(fileName, position.Line, position.Column, "anchors and aliases (& and *) are not supported in lab files; write the value out");
        }

        if (depth > MaxDepth && next is not Scalar)
        {
            throw new LabFileException(fileName, position.Line, position.Column, $"the lab nests lists and mappings more than {MaxDepth} deep here");
        }

        switch (next)
        {
            case Scalar scalar:
                parser.MoveNext();
                return new YamlScalar(position, scalar.Value, scalar.Style is ScalarStyle.Plain or ScalarStyle.Any);
            case SequenceStart:
                parser.MoveNext();
                var items = new List<YamlNode>();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    items.Add(ReadNode(parser, fileName, depth + 1));
                }

                return new YamlSequence(position, items);
            case MappingStart:
                parser.MoveNext();
                var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    YamlNode key = ReadNode(parser, fileName, depth + 1);
                    if (key is not YamlScalar scalarKey)
                    {
                        throw new LabFileException(fileName, key.Position.Line, key.Position.Column, $"a key must be a name, not {key.Describe}");
                    }

                    entries.Add(new(scalarKey, ReadNode(parser, fileName, depth + 1)));
                }

                return new YamlMapping(position, entries);
            default:
                throw new LabFileException(fileName, position.Line, position.Column, $"unexpected {next.GetType().Name} in the lab file");
        }
    }
}
