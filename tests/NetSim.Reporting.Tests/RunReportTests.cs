using System.Text.Json;
using System.Text.RegularExpressions;
using NetSim.Tracing;

namespace NetSim.Reporting.Tests;

public partial class RunReportTests
{
    [Fact]
    public void The_report_holds_every_recorded_event_with_its_sentence_and_every_frame_with_its_bytes()
    {
        var run = new WebVisitRun(new RunRecorderOptions { SnapLength = 1514 });
        using JsonDocument data = Data(Report(run.Recorder), out _);
        JsonElement root = data.RootElement;
        string[] strings = root.GetProperty("strings").EnumerateArray().Select(s => s.GetString()!).ToArray();

        JsonElement events = root.GetProperty("events");
        events.GetArrayLength().Should().Be(run.Recorder.Events.Count);
        for (int i = 0; i < run.Recorder.Events.Count; i++)
        {
            JsonElement e = events[i];
            ITraceEvent expected = run.Recorder.Events[i].Event;
            e[0].GetInt64().Should().Be(expected.Time.Picoseconds);
            strings[e[1].GetInt32()].Should().Be(expected.Device);
            strings[e[5].GetInt32()].Should().Be(TraceNarrator.Explain(expected));
        }

        JsonElement frames = root.GetProperty("frames");
        frames.GetArrayLength().Should().Be(run.Recorder.Frames.Count);
        for (int f = 0; f < run.Recorder.Frames.Count; f++)
        {
            // A frame's bytes are in the file, or are those of the journey's frame before it (which the page follows).
            int source = f;
            while (frames[source][2].GetString() == "")
            {
                source = frames[source][5].GetInt32();
                source.Should().BeInRange(0, f - 1);
            }

            frames[source][2].GetBytesFromBase64().Should().Equal(run.Recorder.Frames[f].Bytes, $"frame {f} is the bytes recorded");
        }

        frames.EnumerateArray().Count(f => f[2].GetString() == "").Should().BeGreaterThan(run.Recorder.Frames.Count / 2, "most frames repeat the one before in their journey");
        root.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("name").GetString())
            .Should().Equal("pc", "sw", "r1", "r2", "dns", "www");
    }

    [Fact]
    public void The_static_arp_entries_are_those_the_run_started_with_even_when_set_after_the_recorder_was_made()
    {
        var simulation = new Engine.Simulation(seed: 1);
        var network = new Links.Network(simulation);
        using var recorder = new RunRecorder(network); // before any device, as the samples make it
        var a = new Topology.Host(network, "a", "10.0.0.1/24");
        var b = new Topology.Host(network, "b", "10.0.0.2/24");
        _ = new Links.Cable(a.Port, b.Port, Engine.DataRate.Parse("100Mbps"), Engine.SimDuration.Zero);
        a.Interfaces[0].Arp.AddStatic(b.Address, b.Interfaces[0].Mac);
        var ping = new Applications.Ping(a, b.Address) { Count = 1 };
        ping.Start();
        simulation.Run();

        recorder.StaticArpEntries["a"].Should().Equal(("a/eth0", "10.0.0.2", b.Interfaces[0].Mac.ToString()));
        using JsonDocument data = Data(Report(recorder), out _);
        data.RootElement.GetProperty("devices")[0].GetProperty("arp")[0].EnumerateArray().Select(x => x.GetString())
            .Should().Equal("a/eth0", "10.0.0.2", b.Interfaces[0].Mac.ToString());
    }

    [Fact]
    public void The_protocol_filter_names_what_the_web_visit_carries()
    {
        var run = new WebVisitRun(new RunRecorderOptions { SnapLength = 1514 });
        string[] protocols = run.Recorder.Frames.Select(f => RunReport.ProtocolOf(f.Bytes)).Distinct().Order().ToArray();
        protocols.Should().Equal("ARP", "DNS", "HTTP", "TCP");
    }

    [Fact]
    public void Frames_the_snap_length_cut_are_still_named_by_their_protocol_and_said_to_be_cut()
    {
        var run = new WebVisitRun(page: new string('x', 60_000)); // full-sized segments, 256 bytes of each kept
        run.Recorder.Frames.Should().Contain(f => !f.IsWhole);
        run.Recorder.Frames.Select(f => RunReport.ProtocolOf(KeptPacket.AsKept(f))).Distinct().Order().Should().Equal("ARP", "DNS", "HTTP", "TCP");

        using JsonDocument data = Data(Report(run.Recorder), out _);
        string[] strings = data.RootElement.GetProperty("strings").EnumerateArray().Select(s => s.GetString()!).ToArray();
        string[] summaries = data.RootElement.GetProperty("events").EnumerateArray().Where(e => e[6].GetInt32() >= 0).Select(e => strings[e[4].GetInt32()]).ToArray();
        summaries.Should().NotContain(s => s.Contains("malformed", StringComparison.Ordinal));
        summaries.Should().Contain(s => s.Contains("[ACK] seq", StringComparison.Ordinal) && s.EndsWith("(the first 256 of 1514 bytes kept)", StringComparison.Ordinal));
    }

    [Fact]
    public void The_report_draws_the_runs_sequence_diagram_first_then_the_figures_given()
    {
        var run = new WebVisitRun();
        var extra = new ReportFigure("A plot", "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"extra\"></svg>");
        string page = Report(run.Recorder, new RunReportOptions { Figures = [extra] });
        int sequence = page.IndexOf("<figcaption>Sequence diagram</figcaption>", StringComparison.Ordinal);
        sequence.Should().BePositive();
        page.IndexOf("<figcaption>A plot</figcaption>", StringComparison.Ordinal).Should().BeGreaterThan(sequence);
        Regex.Count(page, "<g class=\"arrow").Should().Be(SequenceDiagram.Build(run.Recorder).Arrows.Count);

        Report(run.Recorder, new RunReportOptions { SequenceDiagram = null }).Should().NotContain("Sequence diagram");
        string arpOnly = Report(run.Recorder, new RunReportOptions { SequenceDiagram = new SequenceDiagramOptions { Protocols = SequenceProtocols.Arp } });
        string[] labels = Regex.Matches(arpOnly, "<g class=\"arrow[^>]*data-label=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToArray();
        labels.Should().NotBeEmpty().And.OnlyContain(l => l.StartsWith("ARP ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_page_is_self_contained_and_the_same_run_gives_the_same_bytes()
    {
        string first = Report(new WebVisitRun().Recorder);
        string second = Report(new WebVisitRun().Recorder);
        first.Should().Be(second);
        first.Should().StartWith("<!doctype html>");
        ExternalReference().IsMatch(first).Should().BeFalse("the page must open without a network");
        first.Should().Contain("NetSimDissect").And.Contain("netsim-run");
    }

    [Fact]
    public void A_name_that_looks_like_markup_cannot_break_out_of_the_page()
    {
        var run = new WebVisitRun();
        string page = Report(run.Recorder, new RunReportOptions { Title = "</script><script>alert(1)</script>" });
        page.Should().NotContain("<script>alert(1)");
        using JsonDocument data = Data(page, out string json);
        data.RootElement.GetProperty("title").GetString().Should().Be("</script><script>alert(1)</script>");
        json.Should().NotContain("</");
    }

    [Fact]
    public void A_recorder_past_its_bounds_counts_what_it_did_not_keep_and_the_page_says_so()
    {
        var run = new WebVisitRun(new RunRecorderOptions { MaxEvents = 40, MaxFrames = 10 });
        run.Recorder.Events.Should().HaveCount(40);
        run.Recorder.Frames.Should().HaveCount(10);
        run.Recorder.EventsNotRecorded.Should().BePositive();
        run.Recorder.FramesNotKept.Should().BePositive();
        run.Recorder.Events.Count(e => e.Event is FrameEvent && e.Frame < 0 && e.Event is FrameEvent { Kind: not (FrameEventKind.Learned or FrameEventKind.AgedOut or FrameEventKind.BackedOff) })
            .Should().Be((int)run.Recorder.FramesNotKept);
        Report(run.Recorder).Should().Contain("later events were not recorded").And.Contain("later frames are listed without their bytes");
    }

    internal static string Report(RunRecorder recorder, RunReportOptions? options = null)
    {
        using var writer = new StringWriter();
        RunReport.Write(writer, recorder, options);
        return writer.ToString();
    }

    internal static JsonDocument Data(string page, out string json)
    {
        const string Open = "<script id=\"netsim-run\" type=\"application/json\">";
        int start = page.IndexOf(Open, StringComparison.Ordinal) + Open.Length;
        int end = page.IndexOf("</script>", start, StringComparison.Ordinal);
        json = page[start..end];
        return JsonDocument.Parse(json);
    }

    [GeneratedRegex("""(src|href)\s*=\s*["']?(https?:)?//""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
