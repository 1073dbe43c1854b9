using System.Globalization;
using System.Text;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Reporting;

/// <summary>
/// The messages of a run as a textbook draws them: one lifeline per device, one arrow per hop
/// of each message from the lifeline it left to the next lifeline it reached, labelled as a
/// learner names it ("DNS query www.example.com A", "SYN", "SYN, ACK", "GET /", "200 OK",
/// "ARP who-has 192.168.1.1") with the simulated time it left. A message lost on the way ends
/// in a cross. Written as Mermaid text (<see cref="ToMermaid"/>, which GitHub renders) or as a
/// standalone SVG (<see cref="ToSvg"/>).
/// </summary>
/// <remarks>
/// <para>
/// The arrows come from the recorded frames' bytes, grouped by <see cref="PacketJourney"/>: a
/// hop starts where a lifeline sent the frame and ends where the next lifeline received it (or
/// forwarded it, for a switch or hub chosen as a lifeline). Devices that are not lifelines are
/// passed through: by default switches and hubs, so a frame crossing a switch is one arrow from
/// the host to the router. A broadcast (an ARP request) is one arrow to each lifeline that
/// received it.
/// </para>
/// <para>
/// A frame dropped on the way (lost on a cable, a full queue) ends its arrow with a cross at the
/// lifeline that dropped it, or when the device that dropped it is not a lifeline, at the
/// lifeline it was going to (the owner of its destination MAC address, else of its destination
/// IPv4 address). A packet a node discards at layer 3 (a router whose TTL ran out, or that has
/// no route) ends with a cross at that node. Frames a station ignored as not addressed to it are not drawn.
/// </para>
/// <para>
/// Only frames whose bytes the recorder kept are drawn (see <see cref="RunRecorderOptions.MaxFrames"/>).
/// The output is deterministic: the same run and options give the same text and bytes.
/// </para>
/// </remarks>
public sealed class SequenceDiagram
{
    private const int LeftMargin = 96;
    private const int Top = 16;
    private const int BoxHeight = 28;
    private const int FirstRow = Top + BoxHeight + 34;
    private const int RowHeight = 34;
    private const double CharWidth = 6.6; // of 12 px sans-serif text, on average

    private SequenceDiagram(IReadOnlyList<string> lifelines, IReadOnlyList<SequenceArrow> arrows)
    {
        Lifelines = lifelines;
        Arrows = arrows;
    }

    /// <summary>The lifelines' device names, left to right.</summary>
    public IReadOnlyList<string> Lifelines { get; }

    /// <summary>The arrows, top to bottom: in the order they left their lifeline in simulated time (hops that left at the same time in the order they were recorded).</summary>
    public IReadOnlyList<SequenceArrow> Arrows { get; }

    /// <summary>Builds the sequence diagram of <paramref name="recorder"/>'s run.</summary>
    /// <exception cref="ArgumentException"><see cref="SequenceDiagramOptions.Lifelines"/> names a device that is not in the network, or names one twice.</exception>
    public static SequenceDiagram Build(RunRecorder recorder, SequenceDiagramOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        options ??= new SequenceDiagramOptions();
        var devices = new Devices(recorder.Network);
        IReadOnlyList<string> lifelines = options.Lifelines ?? recorder.Network.Devices.Where(d => d is IpNode).Select(d => d.Name).ToArray();
        var isLifeline = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in lifelines)
        {
            if (!devices.Names.Contains(name))
            {
                throw new ArgumentException($"No device is named '{name}' in the network recorded (its devices: {string.Join(", ", devices.Names)}).", nameof(options));
            }

            if (!isLifeline.Add(name))
            {
                throw new ArgumentException($"The device '{name}' is a lifeline twice.", nameof(options));
            }
        }

        // The packets a node discarded at layer 3 (TTL exceeded, no route...), by node and packet (RFC 6864 identity).
        // An identification comes round again after 65,536 packets: each key holds its drops in order, and a drop serves one arrow.
        var ipDrops = new Dictionary<(string, uint, uint, IpProtocol, ushort), Queue<SimTime>>();
        foreach (RecordedEvent recorded in recorder.Events)
        {
            if (recorded.Event is IpEvent { Kind: IpEventKind.Dropped or IpEventKind.TimeToLiveExpired } drop && drop.Reason != IpDropReason.NotForMe)
            {
                var key = (drop.Device, drop.Source.Value, drop.Destination.Value, drop.Protocol, drop.Identification);
                if (!ipDrops.TryGetValue(key, out Queue<SimTime>? times))
                {
                    ipDrops.Add(key, times = new Queue<SimTime>());
                }

                times.Enqueue(drop.Time);
            }
        }

        var hops = new List<Hop>();
        foreach (PacketJourney journey in PacketJourney.Group(recorder, out _))
        {
            RecordedFrame first = recorder.Frames[journey.Frames[0]];
            SequenceMessage message = SequenceMessage.Of(first.Bytes, first.Length);
            if ((message.Layers & options.Protocols) != 0)
            {
                int before = hops.Count;
                AddHops(recorder, journey, message, devices, isLifeline, hops);
                if (hops.Count > before && !hops[^1].Arrow.Lost && DiscardedAtLayer3(recorder, journey, hops[^1].Arrow, ipDrops))
                {
                    hops[^1] = hops[^1] with { Arrow = hops[^1].Arrow with { Lost = true } };
                }
            }
        }

        // In the order they left (a stable sort keeps the order recorded for equal times).
        Hop[] ordered = [.. hops.OrderBy(h => h.Arrow.Sent)];
        return new SequenceDiagram(lifelines.ToArray(), Collapse(ordered, options.CollapseBulkData));
    }

    /// <summary>
    /// The diagram as Mermaid text (<c>sequenceDiagram</c>): the participants in order, then one
    /// line per arrow, <c>pc-&gt;&gt;r1: 1.234 ms SYN</c> (the time it left, in milliseconds, and its
    /// label), <c>-x</c> for one that was lost. Lines end with '\n'.
    /// </summary>
    public string ToMermaid()
    {
        var text = new StringBuilder("sequenceDiagram\n");
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < Lifelines.Count; i++)
        {
            string name = Lifelines[i];
            bool plain = name.Length > 0 && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && name is not ("end" or "box" or "note" or "loop" or "alt" or "opt" or "par" or "rect" or "critical" or "break");
            string id = plain ? name : string.Create(CultureInfo.InvariantCulture, $"p{i}");
            ids.Add(name, id);
            text.Append("    participant ").Append(id);
            if (!plain)
            {
                text.Append(" as ").Append(MermaidText(name));
            }

            text.Append('\n');
        }

        foreach (SequenceArrow arrow in Arrows)
        {
            text.Append("    ").Append(ids[arrow.From]).Append(arrow.Lost ? "-x" : arrow.Count > 1 ? "-->>" : "->>").Append(ids[arrow.To])
                .Append(": ").Append(Milliseconds(arrow.Sent)).Append(' ').Append(MermaidText(arrow.Label)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// The diagram as a standalone SVG document (no script, no style sheet, no fonts to fetch;
    /// it can also be put inline in an HTML page): a box with each lifeline's name at the top of
    /// its column, then one row per arrow with the time it left at the left. Each arrow is a
    /// group <c>&lt;g class="arrow" data-from="pc" data-to="r1" data-label="SYN"&gt;</c> (class
    /// "arrow lost" for a lost one, "arrow bulk" for collapsed bulk data).
    /// </summary>
    public string ToSvg()
    {
        int[] columns = Columns();
        int width = (columns.Length > 0 ? columns[^1] : LeftMargin) + 76;
        int bottom = FirstRow + (Arrows.Count * RowHeight);
        int height = bottom + BoxHeight + 16;
        var x = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Lifelines.Count; i++)
        {
            x.Add(Lifelines[i], columns[i]);
        }

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append("<title>Sequence diagram</title>\n");
        svg.Append(Invariant($"<rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n"));
        svg.Append(Invariant($"<text x=\"8\" y=\"{Top + 18}\" fill=\"#555555\">time</text>\n"));
        foreach (string name in Lifelines)
        {
            int center = x[name];
            svg.Append(Invariant($"<g class=\"lifeline\" data-name=\"{Xml(name)}\">"));
            svg.Append(Invariant($"<line x1=\"{center}\" y1=\"{Top + BoxHeight}\" x2=\"{center}\" y2=\"{bottom}\" stroke=\"#999999\" stroke-dasharray=\"4 4\"/>"));
            foreach (int y in (int[])[Top, bottom])
            {
                int boxWidth = (int)Math.Ceiling(name.Length * CharWidth) + 24;
                svg.Append(Invariant($"<rect x=\"{center - (boxWidth / 2)}\" y=\"{y}\" width=\"{boxWidth}\" height=\"{BoxHeight}\" rx=\"4\" fill=\"#eef3fb\" stroke=\"#34558b\"/>"));
                svg.Append(Invariant($"<text class=\"participant\" x=\"{center}\" y=\"{y + 18}\" text-anchor=\"middle\" font-weight=\"bold\">{Xml(name)}</text>"));
            }

            svg.Append("</g>\n");
        }

        for (int row = 0; row < Arrows.Count; row++)
        {
            SequenceArrow arrow = Arrows[row];
            int y = FirstRow + (row * RowHeight) + 16;
            int from = x[arrow.From];
            int to = x[arrow.To];
            int direction = to > from ? 1 : -1;
            string kind = arrow.Lost ? "arrow lost" : arrow.Count > 1 ? "arrow bulk" : "arrow";
            string color = arrow.Lost ? "#b3261e" : "#222222";
            svg.Append(Invariant($"<g class=\"{kind}\" data-from=\"{Xml(arrow.From)}\" data-to=\"{Xml(arrow.To)}\" data-time=\"{Milliseconds(arrow.Sent)}\" data-label=\"{Xml(arrow.Label)}\">"));
            svg.Append(Invariant($"<text x=\"8\" y=\"{y + 4}\" fill=\"#555555\">{Milliseconds(arrow.Sent)}</text>"));
            string dash = arrow.Count > 1 ? " stroke-dasharray=\"6 3\"" : "";
            int end = arrow.Lost ? to - (direction * 8) : to - (direction * 2);
            svg.Append(Invariant($"<line x1=\"{from}\" y1=\"{y}\" x2=\"{end}\" y2=\"{y}\" stroke=\"{color}\" stroke-width=\"1.5\"{dash}/>"));
            if (arrow.Lost)
            {
                int cx = to - (direction * 8);
                svg.Append(Invariant($"<path d=\"M{cx - 6} {y - 6}L{cx + 6} {y + 6}M{cx - 6} {y + 6}L{cx + 6} {y - 6}\" stroke=\"{color}\" stroke-width=\"2\"/>"));
            }
            else
            {
                int tip = to - (direction * 2);
                int back = tip - (direction * 9);
                svg.Append(Invariant($"<path d=\"M{tip} {y}L{back} {y - 4}L{back} {y + 4}Z\" fill=\"{color}\"/>"));
            }

            int middle = (from + to) / 2;
            svg.Append(Invariant($"<text x=\"{middle}\" y=\"{y - 5}\" text-anchor=\"middle\" fill=\"{color}\">{Xml(arrow.Label)}</text>"));
            svg.Append("</g>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    // Where each lifeline's column is: the gap between two neighbours is wide enough for the
    // longest label of the arrows across it (a label over several gaps is shared among them).
    private int[] Columns()
    {
        const int Least = 120;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Lifelines.Count; i++)
        {
            index.Add(Lifelines[i], i);
        }

        var gaps = new int[Math.Max(Lifelines.Count - 1, 0)];
        Array.Fill(gaps, Least);
        foreach (SequenceArrow arrow in Arrows)
        {
            int low = Math.Min(index[arrow.From], index[arrow.To]);
            int high = Math.Max(index[arrow.From], index[arrow.To]);
            int share = (int)Math.Ceiling(((arrow.Label.Length * CharWidth) + 24) / (high - low));
            for (int gap = low; gap < high; gap++)
            {
                gaps[gap] = Math.Max(gaps[gap], share);
            }
        }

        var x = new int[Lifelines.Count];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = i == 0 ? LeftMargin + (Least / 2) : x[i - 1] + gaps[i - 1];
        }

        return x;
    }

    // True when the last frame of the journey is the one that reached the last arrow's lifeline,
    // and that node then discarded the packet at layer 3 (a router whose TTL ran out, or with no route).
    private static bool DiscardedAtLayer3(RunRecorder recorder, PacketJourney journey, SequenceArrow last, Dictionary<(string, uint, uint, IpProtocol, ushort), Queue<SimTime>> ipDrops)
    {
        RecordedFrame frame = recorder.Frames[journey.Frames[^1]];
        var traceEvent = (FrameEvent)recorder.Events[frame.Event].Event;
        if (ipDrops.Count == 0 || traceEvent.Kind != FrameEventKind.Received || traceEvent.Time != last.Arrived
            || EthernetHeader.TryParse(frame.Bytes, out EthernetHeader ethernet) != WireError.None || ethernet.PayloadType != EtherType.IPv4
            || !KeptPacket.TryParseIpv4(frame.Bytes.AsSpan(ethernet.Length), frame.Length - ethernet.Length, out Ipv4Header ip, out _))
        {
            return false;
        }

        if (!ipDrops.TryGetValue((last.To, ip.Source.Value, ip.Destination.Value, ip.Protocol, ip.Identification), out Queue<SimTime>? drops))
        {
            return false;
        }

        while (drops.TryPeek(out SimTime dropped) && dropped < last.Arrived)
        {
            drops.Dequeue(); // a drop of an earlier packet with the same identity, already drawn
        }

        return drops.TryDequeue(out _);
    }

    // Each hop of one message between lifelines.
    private static void AddHops(RunRecorder recorder, PacketJourney journey, SequenceMessage message, Devices devices, HashSet<string> isLifeline, List<Hop> hops)
    {
        string? from = null;
        SimTime left = default;
        foreach (int f in journey.Frames)
        {
            var traceEvent = (FrameEvent)recorder.Events[recorder.Frames[f].Event].Event;
            string owner = devices.Owner(traceEvent.Device);
            bool lifeline = isLifeline.Contains(owner);
            switch (traceEvent.Kind)
            {
                case FrameEventKind.Sent when lifeline:
                    from = owner;
                    left = traceEvent.Time;
                    break;
                case FrameEventKind.Received when lifeline && from is not null && owner != from:
                    hops.Add(new Hop(new SequenceArrow(from, owner, left, traceEvent.Time, message.Label, false, 1), message));
                    break;
                case FrameEventKind.Forwarded or FrameEventKind.Flooded or FrameEventKind.Repeated when lifeline:
                    if (from is not null && owner != from)
                    {
                        hops.Add(new Hop(new SequenceArrow(from, owner, left, traceEvent.Time, message.Label, false, 1), message));
                    }

                    from = owner;
                    left = traceEvent.Time;
                    break;
                case FrameEventKind.Dropped when from is not null && traceEvent.Reason is not (DropReason.NotForMe or DropReason.Filtered):
                    string? to = lifeline && owner != from ? owner : devices.Destination(message, isLifeline);
                    if (to is not null && to != from)
                    {
                        hops.Add(new Hop(new SequenceArrow(from, to, left, traceEvent.Time, message.Label, true, 1), message));
                    }

                    break;
                default:
                    break;
            }
        }
    }

    // Runs of bulk data of one flow in one direction over one hop become one arrow, and so do
    // the pure ACKs that answer them: a run is open from its first segment until the
    // connection sends anything else over that hop (a SYN, a FIN, an HTTP message); lost ones stay apart.
    private static SequenceArrow[] Collapse(Hop[] hops, int least)
    {
        if (least == 0)
        {
            return [.. hops.Select(h => h.Arrow)];
        }

        var groupOf = new int[hops.Length];
        var members = new List<List<int>>();
        var open = new Dictionary<(TcpFlow, string, string, BulkKind), int>();
        for (int i = 0; i < hops.Length; i++)
        {
            groupOf[i] = -1;
            Hop hop = hops[i];
            if (hop.Message.Flow is not TcpFlow flow)
            {
                continue;
            }

            if (hop.Message.Bulk == BulkKind.None)
            {
                // Anything else of the connection over this hop (either way) ends its runs there.
                var connection = flow.Connection;
                string from = hop.Arrow.From;
                string to = hop.Arrow.To;
                foreach (var key in open.Keys.Where(k => k.Item1.Connection == connection && ((k.Item2 == from && k.Item3 == to) || (k.Item2 == to && k.Item3 == from))).ToArray())
                {
                    open.Remove(key);
                }

                continue;
            }

            if (hop.Arrow.Lost)
            {
                continue;
            }

            var groupKey = (flow, hop.Arrow.From, hop.Arrow.To, hop.Message.Bulk);
            if (!open.TryGetValue(groupKey, out int group))
            {
                group = members.Count;
                members.Add([]);
                open.Add(groupKey, group);
            }

            members[group].Add(i);
            groupOf[i] = group;
        }

        var arrows = new List<SequenceArrow>(hops.Length);
        for (int i = 0; i < hops.Length; i++)
        {
            int group = groupOf[i];
            if (group < 0 || members[group].Count < least)
            {
                arrows.Add(hops[i].Arrow);
            }
            else if (members[group][0] == i)
            {
                List<int> run = members[group];
                SequenceArrow firstArrow = hops[i].Arrow;
                string label = hops[i].Message.Bulk == BulkKind.Data
                    ? string.Create(CultureInfo.InvariantCulture, $"... {run.Count:N0} segments, {run.Sum(m => (long)hops[m].Message.PayloadLength):N0} bytes ...")
                    : string.Create(CultureInfo.InvariantCulture, $"... {run.Count:N0} ACKs ...");
                arrows.Add(firstArrow with { Arrived = hops[run[^1]].Arrow.Arrived, Label = label, Count = run.Count });
            }
        }

        return [.. arrows];
    }

    private static string Milliseconds(SimTime time) =>
        (time.Picoseconds / 1_000_000_000m).ToString("0.000", CultureInfo.InvariantCulture) + " ms";

    // Mermaid ends a message at ';' and reads '#' as the start of an entity code.
    private static string MermaidText(string text) =>
        text.Replace("#", "#35;", StringComparison.Ordinal).Replace(";", "#59;", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static string Xml(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private readonly record struct Hop(SequenceArrow Arrow, SequenceMessage Message);

    // Which device a trace event's name belongs to ("r1/eth0" is r1's), and who owns an address.
    private sealed class Devices
    {
        private readonly Dictionary<string, string> ownerOfInterface = new(StringComparer.Ordinal);
        private readonly Dictionary<MacAddress, string> ownerOfMac = [];
        private readonly List<IpNode> nodes = [];

        public Devices(Network network)
        {
            foreach (IDeviceTables device in network.Devices)
            {
                Names.Add(device.Name);
                if (device is IpNode node)
                {
                    nodes.Add(node);
                    foreach (IpInterface ipInterface in node.Interfaces)
                    {
                        if (!ipInterface.IsLoopback)
                        {
                            ownerOfInterface.TryAdd(ipInterface.Name, node.Name);
                            if (ipInterface.Link is Nic)
                            {
                                ownerOfMac.TryAdd(ipInterface.Mac, node.Name);
                            }
                        }
                    }
                }
            }
        }

        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

        public string Owner(string device) =>
            ownerOfInterface.TryGetValue(device, out string? owner) ? owner
            : Names.Contains(device) ? device
            : device.Split('/')[0];

        // The lifeline a message was going to: the next hop (its destination MAC's owner), else its IPv4 destination's.
        public string? Destination(SequenceMessage message, HashSet<string> isLifeline)
        {
            if (ownerOfMac.TryGetValue(message.EthernetDestination, out string? next) && isLifeline.Contains(next))
            {
                return next;
            }

            if (message.IpDestination is Ipv4Address address)
            {
                foreach (IpNode node in nodes)
                {
                    if (isLifeline.Contains(node.Name) && !address.IsLoopback && node.IsLocalAddress(address))
                    {
                        return node.Name;
                    }
                }
            }

            return null;
        }
    }
}

/// <summary>One arrow of a <see cref="SequenceDiagram"/>: one message's hop from a lifeline to the next, or a run of bulk data collapsed into one.</summary>
/// <param name="From">The lifeline it left.</param>
/// <param name="To">The lifeline it reached (or was going to, when <paramref name="Lost"/>).</param>
/// <param name="Sent">When it left <paramref name="From"/> (for a collapsed run, when its first message did).</param>
/// <param name="Arrived">When it reached <paramref name="To"/>, or was dropped when <paramref name="Lost"/> (for a collapsed run, when its last message arrived).</param>
/// <param name="Label">What it carried, as a textbook names it: "SYN, ACK", "GET /", "... 40 segments, 57,920 bytes ...".</param>
/// <param name="Lost">True when it was dropped on the way: the arrow ends in a cross.</param>
/// <param name="Count">How many messages it stands for: 1, or the length of a collapsed run of bulk data.</param>
public readonly record struct SequenceArrow(string From, string To, SimTime Sent, SimTime Arrived, string Label, bool Lost, int Count);

/// <summary>Which protocols a <see cref="SequenceDiagram"/> shows. A message is shown when any of its layers is chosen: a DNS query is <see cref="Udp"/> and <see cref="Dns"/>, an HTTP request <see cref="Tcp"/> and <see cref="Http"/>.</summary>
[Flags]
public enum SequenceProtocols
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>ARP requests and replies.</summary>
    Arp = 1,

    /// <summary>ICMP messages (echo, time exceeded, destination unreachable).</summary>
    Icmp = 2,

    /// <summary>UDP datagrams, DNS included.</summary>
    Udp = 4,

    /// <summary>DNS queries and answers (UDP port 53).</summary>
    Dns = 8,

    /// <summary>TCP segments, those that carry HTTP included.</summary>
    Tcp = 16,

    /// <summary>TCP segments that start an HTTP request or response.</summary>
    Http = 32,

    /// <summary>Anything else (another EtherType or IP protocol, malformed frames).</summary>
    Other = 64,

    /// <summary>Everything (the default).</summary>
    All = Arp | Icmp | Udp | Dns | Tcp | Http | Other,
}

/// <summary>What a <see cref="SequenceDiagram"/> shows.</summary>
public sealed record SequenceDiagramOptions
{
    /// <summary>
    /// The devices drawn as lifelines, by name, left to right; null (the default) for every host
    /// and router in the order they were made. A switch or hub may be one; devices that are not
    /// lifelines are passed through (so with only the hosts, an HTTP request is one arrow from
    /// the client to the server).
    /// </summary>
    public IReadOnlyList<string>? Lifelines { get; init; }

    /// <summary>The protocols shown (default <see cref="SequenceProtocols.All"/>).</summary>
    public SequenceProtocols Protocols { get; init; } = SequenceProtocols.All;

    /// <summary>
    /// The shortest run of bulk data that is collapsed into one arrow (default 4): TCP segments
    /// that carry data (but no SYN, FIN, RST or HTTP start line) of one flow in one direction
    /// over one hop, drawn as "... 40 segments, 57,920 bytes ...", and the pure ACKs that answer
    /// them, "... 40 ACKs ..."; 0 never collapses.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, or 1.</exception>
    public int CollapseBulkData
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfEqual(value, 1);
            field = value;
        }
    } = 4;
}
