using System.Buffers.Binary;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Reporting;

/// <summary>
/// Writes a run as one self-contained HTML file that a browser opens with no network and no
/// program to install (its script and style are inside it), to step through as Packet Tracer's
/// simulation mode does: the topology picture, the event list in simulated time (which device,
/// what it did, and the sentence that says why), filters by device and protocol, a step
/// forward and back; for the selected frame its layers decoded and its bytes in hex (the field
/// under the cursor marked in both), its journey hop by hop with what each device changed; each
/// device's tables (interfaces, MAC table, ARP cache, routes, frame counters) as they were at
/// the selected moment; and the run's figures (sequence diagram, plots).
/// </summary>
/// <remarks>
/// <para>
/// The event list is virtualised (only the rows in view are in the page), so a run of 100,000
/// frames scrolls as easily as one of ten. What a report holds is what its
/// <see cref="RunRecorder"/> kept: its limits are stated at the top of the page.
/// </para>
/// <para>
/// The file holds the run as JSON (every string once, in a table), and each kept frame's bytes
/// in base64; the page decodes frames in the browser (Ethernet, ARP, IPv4, ICMP, UDP, TCP and
/// its options, DNS, HTTP). Writing is deterministic: the same run gives the same file.
/// </para>
/// </remarks>
public static class RunReport
{
    /// <summary>Writes the report of <paramref name="recorder"/>'s run to the file <paramref name="path"/> (UTF-8).</summary>
    public static void Write(string path, RunRecorder recorder, RunReportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        Write(writer, recorder, options);
    }

    /// <summary>Writes the report of <paramref name="recorder"/>'s run to <paramref name="writer"/>.</summary>
    public static void Write(TextWriter writer, RunRecorder recorder, RunReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(recorder);
        options ??= new RunReportOptions();
        string template = Resource("report.html");
        string figures = string.Concat(Figures(recorder, options).Select(f =>
            $"<figure><figcaption>{Html(f.Title)}</figcaption>{f.Svg}</figure>\n"));
        string page = template
            .Replace("{{title}}", Html(options.Title), StringComparison.Ordinal)
            .Replace("{{limits}}", Html(Limits(recorder)), StringComparison.Ordinal)
            .Replace("{{style}}", Resource("report.css"), StringComparison.Ordinal)
            .Replace("{{topology}}", options.TopologySvg ?? new TopologyDiagram(recorder.Network).ToSvg(), StringComparison.Ordinal)
            .Replace("{{figures}}", figures.Length > 0 ? figures : "<p class=\"muted\">No figures.</p>", StringComparison.Ordinal)
            .Replace("{{script}}", Resource("dissect.js") + "\n" + Resource("report.js"), StringComparison.Ordinal);
        int at = page.IndexOf("{{data}}", StringComparison.Ordinal);
        writer.Write(page.AsSpan(0, at));
        writer.Flush();
        WriteData(writer, recorder, options);
        writer.Write(page.AsSpan(at + "{{data}}".Length));
    }

    // The run's sequence diagram first (unless turned off), then the figures given.
    private static IEnumerable<ReportFigure> Figures(RunRecorder recorder, RunReportOptions options)
    {
        if (options.SequenceDiagram is { } sequenceOptions)
        {
            SequenceDiagram sequence = SequenceDiagram.Build(recorder, sequenceOptions);
            yield return sequence.Arrows.Count <= RunReportOptions.MaxSequenceArrows
                ? new ReportFigure("Sequence diagram", sequence.ToSvg())
                : new ReportFigure(
                    "Sequence diagram",
                    string.Create(CultureInfo.InvariantCulture, $"<p class=\"muted\">The run's sequence diagram has {sequence.Arrows.Count:N0} arrows, more than a page shows ({RunReportOptions.MaxSequenceArrows:N0}): choose fewer lifelines or protocols (RunReportOptions.SequenceDiagram), or draw it with SequenceDiagram.</p>"));
        }

        foreach (ReportFigure figure in options.Figures)
        {
            yield return figure;
        }
    }

    private static string Limits(RunRecorder recorder)
    {
        RunRecorderOptions o = recorder.Options;
        string text = string.Create(
            CultureInfo.InvariantCulture,
            $"{recorder.Events.Count:N0} events and {recorder.Frames.Count:N0} frames recorded (at most {o.MaxEvents:N0} events, {o.MaxFrames:N0} frames, the first {o.SnapLength:N0} bytes of each).");
        if (recorder.EventsNotRecorded > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" {recorder.EventsNotRecorded:N0} later events were not recorded.");
        }

        if (recorder.FramesNotKept > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" {recorder.FramesNotKept:N0} later frames are listed without their bytes.");
        }

        return text;
    }

    private static void WriteData(TextWriter writer, RunRecorder recorder, RunReportOptions options)
    {
        var strings = new StringTable();
        IReadOnlyList<PacketJourney> journeys = PacketJourney.Group(recorder, out int[] journeyOfFrame);
        var nodeIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int d = 0; d < recorder.Network.Devices.Count; d++)
        {
            nodeIndex.TryAdd(recorder.Network.Devices[d].Name, d);
        }

        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream)) // the default encoder escapes <, > and &: the JSON cannot close its script element
        {
            json.WriteStartObject();
            json.WriteString("title", options.Title);
            WriteDevices(json, recorder);

            json.WriteStartArray("events");
            string[] protocolOfEvent = new string[recorder.Events.Count];
            for (int i = 0; i < recorder.Events.Count; i++)
            {
                RecordedEvent recorded = recorder.Events[i];
                ITraceEvent e = recorded.Event;
                string node = e.Device.Split('/')[0];
                (int layer, string kind, string protocol, string summary, int a, int b) = Describe(recorder, recorded, strings);
                protocolOfEvent[i] = protocol;
                json.WriteStartArray();
                json.WriteNumberValue(e.Time.Picoseconds);
                json.WriteNumberValue(strings.Of(e.Device));
                json.WriteNumberValue(layer);
                json.WriteNumberValue(strings.Of(protocol));
                json.WriteNumberValue(strings.Of(summary));
                json.WriteNumberValue(strings.Of(TraceNarrator.Explain(e)));
                json.WriteNumberValue(recorded.Frame);
                json.WriteNumberValue(a);
                json.WriteNumberValue(b);
                json.WriteNumberValue(nodeIndex.TryGetValue(node, out int n) ? n : -1);
                json.WriteNumberValue(strings.Of(kind));
                json.WriteEndArray();
            }

            json.WriteEndArray();

            // Frames: [event, length on the wire, bytes kept (base64; "" when the same as the journey's frame before),
            // journey, changes since the journey's frame before, the journey's frame before (-1: none)]. Most frames
            // of a journey are the same bytes (a switch relays them, a station takes them in), so most are "".
            json.WriteStartArray("frames");
            var previousOfJourney = new Dictionary<int, int>();
            for (int f = 0; f < recorder.Frames.Count; f++)
            {
                RecordedFrame frame = recorder.Frames[f];
                int previous = previousOfJourney.GetValueOrDefault(journeyOfFrame[f], -1);
                byte[]? before = previous >= 0 ? recorder.Frames[previous].Bytes : null;
                json.WriteStartArray();
                json.WriteNumberValue(frame.Event);
                json.WriteNumberValue(frame.Length);
                if (before is not null && before.AsSpan().SequenceEqual(frame.Bytes))
                {
                    json.WriteStringValue("");
                }
                else
                {
                    json.WriteBase64StringValue(frame.Bytes);
                }

                json.WriteNumberValue(journeyOfFrame[f]);
                json.WriteStartArray();
                if (before is not null)
                {
                    foreach (HopChange change in PacketJourney.Compare(before, frame.Bytes))
                    {
                        json.WriteStartArray();
                        json.WriteNumberValue(strings.Of(change.Field));
                        json.WriteNumberValue(strings.Of(change.Before));
                        json.WriteNumberValue(strings.Of(change.After));
                        json.WriteEndArray();
                    }
                }

                json.WriteEndArray();
                json.WriteNumberValue(previous);
                json.WriteEndArray();
                previousOfJourney[journeyOfFrame[f]] = f;
            }

            json.WriteEndArray();

            json.WriteStartArray("journeys");
            foreach (PacketJourney journey in journeys)
            {
                json.WriteStartArray();
                foreach (int f in journey.Frames)
                {
                    json.WriteNumberValue(f);
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();

            json.WriteStartArray("strings");
            foreach (string s in strings.Values)
            {
                json.WriteStringValue(s);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        // Copied to the writer in blocks, not as one string: a 100,000-frame run's JSON is tens of megabytes.
        stream.Position = 0;
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16, leaveOpen: true);
        char[] block = new char[1 << 16];
        int read;
        while ((read = reader.Read(block, 0, block.Length)) > 0)
        {
            writer.Write(block, 0, read);
        }
    }

    private static void WriteDevices(Utf8JsonWriter json, RunRecorder recorder)
    {
        json.WriteStartArray("devices");
        foreach (Links.IDeviceTables device in recorder.Network.Devices)
        {
            json.WriteStartObject();
            json.WriteString("name", device.Name);
            json.WriteString("kind", device switch
            {
                Switch => "switch",
                Hub => "hub",
                IpNode { Forwarding: true } => "router",
                _ => "host",
            });
            json.WriteStartArray("interfaces");
            if (device is IpNode node)
            {
                foreach (IpInterface ipInterface in node.Interfaces.Where(i => !i.IsLoopback))
                {
                    json.WriteStartArray();
                    json.WriteStringValue(ipInterface.Name);
                    json.WriteStringValue(ipInterface.Mac.ToString());
                    json.WriteStringValue(string.Create(CultureInfo.InvariantCulture, $"{ipInterface.Address}/{ipInterface.Subnet.PrefixLength}"));
                    json.WriteEndArray();
                }
            }

            json.WriteEndArray();
            json.WriteStartArray("routes");
            if (device is IpNode routed)
            {
                foreach (Route route in routed.Routes.GetRoutes())
                {
                    json.WriteStartArray();
                    json.WriteStringValue(route.Destination.ToString());
                    json.WriteStringValue(route.IsOnLink ? "on-link" : route.Gateway.ToString());
                    json.WriteStringValue(routed.Interfaces[route.InterfaceIndex].Name);
                    json.WriteStringValue(route.Origin == RouteOrigin.Connected ? "connected" : "static");
                    json.WriteEndArray();
                }
            }

            json.WriteEndArray();

            // The static ARP entries as the run started (RunRecorder.StaticArpEntries): [interface, address, MAC].
            json.WriteStartArray("arp");
            if (recorder.StaticArpEntries.TryGetValue(device.Name, out IReadOnlyList<(string Interface, string Address, string Mac)>? entries))
            {
                foreach ((string ipInterface, string address, string mac) in entries)
                {
                    json.WriteStartArray();
                    json.WriteStringValue(ipInterface);
                    json.WriteStringValue(address);
                    json.WriteStringValue(mac);
                    json.WriteEndArray();
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    // An event's layer (index into report.js's LAYERS), kind, protocol (the filter), one-line summary, and the two values the page replays tables from.
    private static (int Layer, string Kind, string Protocol, string Summary, int A, int B) Describe(RunRecorder recorder, RecordedEvent recorded, StringTable strings)
    {
        switch (recorded.Event)
        {
            case FrameEvent e:
                RecordedFrame? frame = recorded.Frame >= 0 ? recorder.Frames[recorded.Frame] : null;
                byte[]? kept = frame is null ? null : KeptPacket.AsKept(frame);
                string protocol = kept is null ? "Ethernet" : ProtocolOf(kept);
                string summary = frame is null || kept is null
                    ? After(e.ToString(), e.Time)
                    : frame.IsWhole
                        ? $"{e.Kind}: {FrameSummary.Describe(kept)}"
                        : string.Create(CultureInfo.InvariantCulture, $"{e.Kind}: {FrameSummary.Describe(kept)} (the first {frame.Bytes.Length} of {frame.Length} bytes kept)");
                return e.Kind switch
                {
                    FrameEventKind.Learned or FrameEventKind.AgedOut => (0, e.Kind.ToString(), protocol, summary, e.Port, strings.Of(e.Source.ToString())),
                    _ => (0, e.Kind.ToString(), protocol, summary, -1, -1),
                };
            case ArpEvent e:
                return (1, e.Kind.ToString(), "ARP", After(e.ToString(), e.Time), strings.Of(e.Address.ToString()), strings.Of(e.Mac.ToString()));
            case IpEvent e:
                return (2, e.Kind.ToString(), e.Protocol switch { IpProtocol.Icmp => "ICMP", IpProtocol.Tcp => "TCP", IpProtocol.Udp => "UDP", _ => "IPv4" }, After(e.ToString(), e.Time), -1, -1);
            case UdpEvent e:
                return (3, e.Kind.ToString(), "UDP", After(e.ToString(), e.Time), -1, -1);
            case TcpEvent e:
                return (4, e.Kind.ToString(), "TCP", After(e.ToString(), e.Time), -1, -1);
            case ApplicationEvent e:
                return (5, e.Kind.ToString(), e.Kind.ToString().StartsWith("Dns", StringComparison.Ordinal) ? "DNS" : "HTTP", After(e.ToString(), e.Time), -1, -1);
            default:
                return (0, "Other", "Other", recorded.Event.ToString() ?? "", -1, -1);
        }
    }

    // An event's ToString without its leading time ("12.000 us pc: ..." -> "pc: ...").
    private static string After(string line, Engine.SimTime time)
    {
        string prefix = time.ToString() + " ";
        return line.StartsWith(prefix, StringComparison.Ordinal) ? line[prefix.Length..] : line;
    }

    /// <summary>The highest protocol a frame carries, as the filter names it: ARP, ICMP, DNS, UDP, HTTP, TCP, IPv4 or Ethernet (for a frame the snap length cut, give <see cref="KeptPacket.AsKept"/>'s copy).</summary>
    internal static string ProtocolOf(ReadOnlySpan<byte> frame)
    {
        if (EthernetHeader.TryParse(frame, out EthernetHeader ethernet) != WireError.None)
        {
            return "Ethernet";
        }

        ReadOnlySpan<byte> payload = frame[ethernet.Length..];
        if (ethernet.PayloadType == EtherType.Arp)
        {
            return "ARP";
        }

        if (ethernet.PayloadType != EtherType.IPv4 || Ipv4Header.TryParse(payload, out Ipv4Header ip) != WireError.None)
        {
            return "Ethernet";
        }

        ReadOnlySpan<byte> transport = payload[ip.HeaderLength..];
        switch (ip.Protocol)
        {
            case IpProtocol.Icmp:
                return "ICMP";
            case IpProtocol.Udp when transport.Length >= 4:
                return BinaryPrimitives.ReadUInt16BigEndian(transport) == 53 || BinaryPrimitives.ReadUInt16BigEndian(transport[2..]) == 53 ? "DNS" : "UDP";
            case IpProtocol.Tcp when transport.Length >= TcpHeader.MinLength:
                int headerLength = (transport[12] >> 4) * 4;
                bool web = BinaryPrimitives.ReadUInt16BigEndian(transport) == 80 || BinaryPrimitives.ReadUInt16BigEndian(transport[2..]) == 80;
                return web && ip.TotalLength - ip.HeaderLength > headerLength ? "HTTP" : "TCP";
            default:
                return "IPv4";
        }
    }

    private static string Html(string text) => System.Net.WebUtility.HtmlEncode(text);

    private static string Resource(string name)
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("NetSim.Reporting.Report." + name)
            ?? throw new InvalidOperationException($"The report's {name} is missing from the assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    // Every string once: the events refer to them by index, so a run's repeated sentences cost their index.
    private sealed class StringTable
    {
        private readonly Dictionary<string, int> index = new(StringComparer.Ordinal);
        private readonly List<string> values = [];

        public IReadOnlyList<string> Values => values;

        public int Of(string value)
        {
            if (!index.TryGetValue(value, out int i))
            {
                i = values.Count;
                values.Add(value);
                index.Add(value, i);
            }

            return i;
        }
    }
}

/// <summary>What a <see cref="RunReport"/> shows beside the run's events.</summary>
public sealed record RunReportOptions
{
    /// <summary>The page's title (default "NetSim run").</summary>
    public string Title { get; init; } = "NetSim run";

    /// <summary>The topology picture, as SVG markup whose device elements carry a <c>data-device</c> attribute with the device's name (the page marks where the selected frame is); null (the default) draws the recorder's network with <see cref="TopologyDiagram"/>.</summary>
    public string? TopologySvg { get; init; }

    /// <summary>
    /// The sequence diagram the report draws first among its figures, with these options (default:
    /// every host and router, every protocol, bulk data collapsed); null for none. A diagram of more
    /// than <see cref="MaxSequenceArrows"/> arrows is replaced by a note that says so.
    /// </summary>
    public SequenceDiagramOptions? SequenceDiagram { get; init; } = new();

    /// <summary>The most arrows a report's sequence diagram draws: 2,000 (a page a browser scrolls through easily).</summary>
    public const int MaxSequenceArrows = 2_000;

    /// <summary>Figures shown under the sequence diagram (plots of the run: <see cref="RunPlot.ToFigure"/>), each SVG markup with a title.</summary>
    public IReadOnlyList<ReportFigure> Figures { get; init; } = [];
}

/// <summary>A figure of a <see cref="RunReport"/>.</summary>
/// <param name="Title">Its caption.</param>
/// <param name="Svg">Its SVG markup (an <c>&lt;svg&gt;</c> element), put into the page as it is.</param>
public sealed record ReportFigure(string Title, string Svg);
