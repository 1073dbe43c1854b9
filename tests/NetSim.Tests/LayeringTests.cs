using System.Text.RegularExpressions;

namespace NetSim.Tests;

/// <summary>
/// The library's layers depend one way (docs/architecture.md): a folder under src/NetSim is a
/// layer and a namespace, and no file names a namespace of a layer above its own.
/// </summary>
public sealed partial class LayeringTests
{
    // What each layer may use, besides itself. Tracing's event types sit at the bottom, so
    // that every layer can raise them.
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Engine"] = [],
        ["Wire"] = [],
        ["Tracing"] = ["Engine", "Wire"],
        ["Links"] = ["Engine", "Wire", "Tracing"],
        ["Ethernet"] = ["Engine", "Wire", "Tracing", "Links"],
        ["Ip"] = ["Engine", "Wire", "Tracing", "Links", "Ethernet"],
        ["Transport"] = ["Engine", "Wire", "Tracing", "Links", "Ethernet", "Ip"],
        ["Applications"] = ["Engine", "Wire", "Tracing", "Links", "Ethernet", "Ip", "Transport"],
        ["Topology"] = ["Engine", "Wire", "Tracing", "Links", "Ethernet", "Ip", "Transport", "Applications"],
        ["Experiments"] = ["Engine", "Wire", "Tracing", "Links", "Ethernet", "Ip", "Transport", "Applications", "Topology"], // runs whole simulations
        ["Partitioning"] = ["Engine", "Wire", "Tracing", "Links", "Ethernet", "Ip", "Transport", "Applications", "Topology"], // one simulation in partitions on many threads or processes
    };

    [Fact]
    public void Every_folder_of_the_library_is_a_known_layer()
    {
        string[] folders = Directory.GetDirectories(Source).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).ToArray()!;

        folders.Should().BeEquivalentTo(Allowed.Keys);
    }

    [Fact]
    public void No_file_names_a_layer_above_its_own()
    {
        var violations = new List<string>();
        foreach (string layer in Allowed.Keys)
        {
            foreach (string file in Directory.GetFiles(Path.Combine(Source, layer), "*.cs"))
            {
                string relative = $"{layer}/{Path.GetFileName(file)}";
                string text = File.ReadAllText(file);
                Regex.Match(text, @"^namespace NetSim\.(\w+);", RegexOptions.Multiline).Groups[1].Value.Should().Be(layer, $"{relative} is in the {layer} folder");
                string[] allowed = [layer, .. Allowed[layer]];
                foreach (Match use in NamespaceUse().Matches(text))
                {
                    string used = use.Groups[1].Value;
                    if (!allowed.Contains(used))
                    {
                        violations.Add($"{relative} uses NetSim.{used}");
                    }
                }
            }
        }

        violations.Should().BeEmpty("a layer uses only the layers below it");
    }

    [GeneratedRegex(@"\bNetSim\.(Engine|Wire|Tracing|Links|Ethernet|Ip|Transport|Applications|Topology|Experiments|Partitioning|Devices|Stack)\b")]
    private static partial Regex NamespaceUse();

    private static string Source { get; } = RepositoryFiles.PathOf("src", "NetSim");
}
