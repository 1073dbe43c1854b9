using System.Text;
using NetSim.Links;

namespace NetSim.Reporting;

/// <summary>
/// A picture of a network as it is wired: its devices with their kind (host, router, switch,
/// hub), each interface with its IPv4 address, prefix length and MAC address, each cable with
/// its rate and delay and the port at each end (dashed and marked "down" when it is down), and the
/// hosts' and routers' interfaces of one broadcast domain grouped in a box titled with its subnets
/// ("192.168.1.0/24"). Written as
/// Graphviz DOT (<see cref="ToDot"/>), as a Mermaid flowchart that GitHub renders
/// (<see cref="ToMermaid"/>), or as SVG laid out in-process (<see cref="ToSvg"/>).
/// </summary>
/// <remarks>
/// <para>
/// A host with one interface is one box in its subnet's group. A router (or a host with
/// several interfaces) stands between its subnets: it is a box of its own, tied by a thick line
/// to a box per interface, and each interface box is in its subnet's group, so the LAN
/// 192.168.1.0/24 of pc, sw and r1 holds pc, sw and r1's interface eth0. A NIC that is not inside
/// a host or router (as in a bare Ethernet experiment) is drawn from the cable it is plugged
/// into, with its name only.
/// </para>
/// <para>
/// The picture is of the network when the method is called, and the same network gives the
/// same text and the same SVG bytes. The SVG is laid out by Microsoft's MSAGL (the
/// AutomaticGraphLayout package, MIT): see <see cref="ToSvg"/>.
/// </para>
/// </remarks>
public sealed class TopologyDiagram
{
    private readonly Network network;
    private readonly TopologyDiagramOptions options;

    /// <summary>Creates the diagram of <paramref name="network"/>.</summary>
    public TopologyDiagram(Network network, TopologyDiagramOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        this.network = network;
        this.options = options ?? new TopologyDiagramOptions();
    }

    /// <summary>
    /// The diagram as Graphviz DOT text (an undirected graph, left to right): a cluster per
    /// subnet group, a node per device or interface box, an edge per cable labelled with its rate
    /// and delay and with its ports at its ends. <c>dot -Tsvg</c> draws it.
    /// </summary>
    public string ToDot()
    {
        TopologyModel model = TopologyModel.Build(network, options);
        var text = new StringBuilder();
        text.Append("graph \"network\" {\n");
        text.Append("  rankdir=LR;\n");
        text.Append("  fontname=\"monospace\";\n");
        text.Append("  node [fontname=\"monospace\", fontsize=10];\n");
        text.Append("  edge [fontname=\"monospace\", fontsize=9];\n");
        for (int group = 0; group < model.Groups.Count; group++)
        {
            text.Append("  subgraph \"cluster_").Append(group).Append("\" {\n");
            text.Append("    label=").Append(DotString(model.Groups[group])).Append(";\n");
            text.Append("    style=dashed;\n");
            foreach (TopologyNode node in model.Nodes.Where(n => n.Domain == group))
            {
                text.Append("    ");
                DotNode(text, node);
            }

            text.Append("  }\n");
        }

        foreach (TopologyNode node in model.Nodes.Where(n => n.Domain < 0))
        {
            text.Append("  ");
            DotNode(text, node);
        }

        foreach (TopologyEdge edge in model.Edges)
        {
            text.Append("  ").Append(DotString(model.Nodes[edge.From].Id)).Append(" -- ").Append(DotString(model.Nodes[edge.To].Id));
            if (edge.IsTie)
            {
                text.Append(" [style=bold];\n");
                continue;
            }

            text.Append(" [label=").Append(DotString(edge.RateAndDelay));
            if (edge.IsDown)
            {
                text.Append(", style=dashed");
            }

            if (edge.FromPort.Length > 0)
            {
                text.Append(", taillabel=").Append(DotString(edge.FromPort));
            }

            if (edge.ToPort.Length > 0)
            {
                text.Append(", headlabel=").Append(DotString(edge.ToPort));
            }

            text.Append("];\n");
        }

        text.Append("}\n");
        return text.ToString();
    }

    /// <summary>
    /// The diagram as a Mermaid flowchart (left to right), which GitHub renders in a
    /// <c>```mermaid</c> block: a subgraph per subnet group, a node per device or interface
    /// box (hosts as rectangles, routers as stadiums, switches as double-sided boxes, hubs as
    /// hexagons), and a link per cable labelled with its ports, rate and delay.
    /// </summary>
    public string ToMermaid()
    {
        TopologyModel model = TopologyModel.Build(network, options);
        string[] ids = MermaidIds(model);
        var text = new StringBuilder();
        text.Append("flowchart LR\n");
        for (int group = 0; group < model.Groups.Count; group++)
        {
            text.Append("  subgraph g").Append(group).Append(" [\"").Append(MermaidText(model.Groups[group])).Append("\"]\n");
            for (int i = 0; i < model.Nodes.Count; i++)
            {
                if (model.Nodes[i].Domain == group)
                {
                    text.Append("    ");
                    MermaidNode(text, ids[i], model.Nodes[i]);
                }
            }

            text.Append("  end\n");
        }

        for (int i = 0; i < model.Nodes.Count; i++)
        {
            if (model.Nodes[i].Domain < 0)
            {
                text.Append("  ");
                MermaidNode(text, ids[i], model.Nodes[i]);
            }
        }

        foreach (TopologyEdge edge in model.Edges)
        {
            text.Append("  ").Append(ids[edge.From]);
            if (edge.IsTie)
            {
                text.Append(" === ");
            }
            else
            {
                string label = edge.Ports.Length > 0 ? $"{edge.Ports}\n{edge.RateAndDelay}" : edge.RateAndDelay;
                text.Append(edge.IsDown ? " -.-|\"" : " ---|\"").Append(MermaidText(label)).Append("\"| ");
            }

            text.Append(ids[edge.To]).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// The diagram as a standalone SVG document (no XML declaration, so that it can also be put
    /// inside an HTML page as it is). Each device is a <c>&lt;g data-device="NAME"&gt;</c> holding
    /// its shape and label; each interface box of a router a <c>&lt;g data-interface="r1/eth0"&gt;</c>;
    /// each cable a <c>&lt;path data-cable="pc/eth0 - sw port 0"&gt;</c> beside its label; each
    /// subnet group a <c>&lt;g data-subnet="..."&gt;</c>. Colours are presentation attributes,
    /// which a page's CSS overrides by class (<c>device</c>, <c>host</c>, <c>router</c>,
    /// <c>cable</c>, ...).
    /// </summary>
    /// <remarks>
    /// The layout (where the boxes go, how the cables bend round them, where the labels sit) is
    /// computed in-process by MSAGL, Microsoft's Automatic Graph Layout (the AutomaticGraphLayout
    /// package, MIT licence), with its layered (Sugiyama) layout and subnet groups as clusters; this
    /// class only draws the boxes, curves and labels it places. It runs no program and needs no
    /// Graphviz, and it is deterministic: the same network gives the same bytes.
    /// </remarks>
    public string ToSvg() => TopologySvg.Draw(TopologyModel.Build(network, options));

    private static void DotNode(StringBuilder text, TopologyNode node)
    {
        string shape = node.Kind switch
        {
            TopologyNodeKind.Router => "shape=ellipse",
            TopologyNodeKind.Switch => "shape=box3d",
            TopologyNodeKind.Hub => "shape=hexagon",
            TopologyNodeKind.Nic => "shape=box, style=dashed",
            TopologyNodeKind.Interface => "shape=box, style=rounded",
            _ => "shape=box",
        };
        text.Append(DotString(node.Id)).Append(" [").Append(shape).Append(", label=").Append(DotString(string.Join('\n', node.Lines))).Append("];\n");
    }

    // A DOT double-quoted string: quotes and backslashes escaped, new lines as \n (centred lines).
    private static string DotString(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";

    private static void MermaidNode(StringBuilder text, string id, TopologyNode node)
    {
        (string open, string close) = node.Kind switch
        {
            TopologyNodeKind.Router => ("([\"", "\"])"),
            TopologyNodeKind.Switch => ("[[\"", "\"]]"),
            TopologyNodeKind.Hub => ("{{\"", "\"}}"),
            TopologyNodeKind.Interface => ("(\"", "\")"),
            _ => ("[\"", "\"]"),
        };
        text.Append(id).Append(open).Append(MermaidText(string.Join('\n', node.Lines))).Append(close).Append('\n');
    }

    // Text inside a quoted Mermaid label: entity codes for what would end or open markup, <br/> for a new line.
    private static string MermaidText(string value) =>
        value.Replace("\"", "#quot;", StringComparison.Ordinal)
            .Replace("<", "#lt;", StringComparison.Ordinal)
            .Replace(">", "#gt;", StringComparison.Ordinal)
            .Replace("\n", "<br/>", StringComparison.Ordinal);

    // Mermaid ids are words: "n_" and the name with every other character as '_' ("r1/eth0" is n_r1_eth0),
    // the prefix keeping clear of keywords such as "end"; a clash gets a number.
    private static string[] MermaidIds(TopologyModel model)
    {
        var ids = new string[model.Nodes.Count];
        var taken = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < ids.Length; i++)
        {
            string id = "n_" + string.Concat(model.Nodes[i].Id.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_'));
            string unique = id;
            for (int n = 2; !taken.Add(unique); n++)
            {
                unique = id + "_" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            ids[i] = unique;
        }

        return ids;
    }
}
