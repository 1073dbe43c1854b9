using System.Diagnostics;
using Microsoft.Playwright;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Transport;
using Xunit.Abstractions;

namespace NetSim.Reporting.Tests;

/// <summary>A report of 100,000 frames (the recorder's default bound) must still open and work in a browser.</summary>
public sealed class LargeReportTests(ITestOutputHelper output)
{
    /// <summary>The browser gets this long to open the page and list its events (it takes a few seconds on the project's 2-core machines).</summary>
    private static readonly TimeSpan OpenBound = TimeSpan.FromSeconds(60);

    [RequiresChromiumFact]
    public async Task A_report_of_100000_frames_opens_within_the_bound_and_scrolls_to_its_last_event()
    {
        RunRecorder recorder = BulkTransfer();
        recorder.Frames.Should().HaveCount(100_000, "the run has more frames than the recorder keeps by default");
        string path = Path.Combine(Path.GetTempPath(), $"netsim-large-{Environment.ProcessId}.html");
        RunReport.Write(path, recorder);
        long size = new FileInfo(path).Length;
        output.WriteLine($"{recorder.Events.Count:N0} events, {recorder.Frames.Count:N0} frames (+{recorder.FramesNotKept:N0} not kept): {size:N0} bytes, {(double)size / recorder.Frames.Count:F0} bytes per frame");

        (IPlaywright playwright, IBrowser browser) = await Chromium.LaunchAsync();
        try
        {
            IPage page = await browser.NewPageAsync();
            var errors = new List<string>();
            page.PageError += (_, error) => errors.Add(error);
            var watch = Stopwatch.StartNew();
            await page.GotoAsync(new Uri(path).AbsoluteUri, new PageGotoOptions { Timeout = (float)OpenBound.TotalMilliseconds });
            await page.WaitForSelectorAsync("body[data-ready=true]", new PageWaitForSelectorOptions { Timeout = (float)OpenBound.TotalMilliseconds });
            output.WriteLine($"opened and listed in {watch.Elapsed.TotalSeconds:F1} s");

            (await page.Locator("#row-count").InnerTextAsync()).Should().StartWith($"{recorder.Events.Count:N0} of {recorder.Events.Count:N0} events");
            await page.Keyboard.PressAsync("End"); // the last event: the list scrolls to it and its row is selected
            (await page.Locator("#position").InnerTextAsync()).Should().Be($"event {recorder.Events.Count:N0} of {recorder.Events.Count:N0}");
            (await page.Locator("#events-rows .row.selected").GetAttributeAsync("data-event")).Should().Be((recorder.Events.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            (await page.Locator("#events-rows .row").CountAsync()).Should().BeLessThan(100, "only the rows in view are in the page");
            errors.Should().BeEmpty();
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
            File.Delete(path);
        }
    }

    // 20 MB of TCP from a to b through a switch and a router: about 7 frames per data segment, more than 100,000 in all.
    private static RunRecorder BulkTransfer()
    {
        var sim = new Simulation(seed: 1);
        var network = new Network(sim);
        var a = new Host(network, "a", "10.0.1.10/24", defaultGateway: "10.0.1.1");
        var b = new Host(network, "b", "10.0.2.10/24", defaultGateway: "10.0.2.1");
        var sw = new Ethernet.Switch(network, "sw", 4);
        var r = new Router(network, "r");
        r.AddInterface("10.0.1.1/24");
        r.AddInterface("10.0.2.1/24");
        var topology = new TopologyBuilder(network) { DefaultRate = DataRate.Parse("1Gbps") };
        topology.Connect(a, sw);
        topology.Connect(r, sw);
        topology.Connect(r, b);
        var recorder = new RunRecorder(network);
        var listener = new TcpListener(b, 5001);
        listener.Start();
        sim.Start(async () =>
        {
            TcpConnection server = await listener.AcceptAsync();
            byte[] buffer = new byte[65536];
            while (await server.ReadAsync(buffer) > 0)
            {
            }

            await server.CloseAsync();
        });
        sim.Start(async () =>
        {
            TcpConnection client = await TcpConnection.ConnectAsync(a, b.Address, 5001);
            await client.WriteAsync(new byte[20_000_000]);
            await client.CloseAsync();
        });
        sim.Run();
        recorder.Dispose();
        return recorder;
    }
}
