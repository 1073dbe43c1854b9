using System.Buffers.Binary;
using Microsoft.Playwright;
using NetSim.Wire;

namespace NetSim.Reporting.Tests;

/// <summary>Marks a test that needs Debian's chromium; without it the test is reported as skipped.</summary>
public sealed class RequiresChromiumFactAttribute : FactAttribute
{
    public RequiresChromiumFactAttribute()
    {
        if (Chromium.Path is null)
        {
            Skip = "chromium is not installed (.ci/run installs it: apt-get install chromium)";
        }
    }
}

/// <summary>Debian's chromium, driven by Playwright (its own browser download is never used).</summary>
internal static class Chromium
{
    public static readonly string? Path = new[] { "/usr/bin/chromium", "/usr/lib/chromium/chromium" }.FirstOrDefault(File.Exists);

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        IPlaywright playwright = await Playwright.CreateAsync();
        IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Headless = true,
            Args = ["--no-sandbox"], // CI runs as root, where chromium's sandbox cannot start
        });
        return (playwright, browser);
    }
}

/// <summary>The web visit's report in a real browser: what a learner sees when they open it.</summary>
public sealed class ReportBrowserTests
{
    [RequiresChromiumFact]
    public async Task The_web_visit_report_opens_lists_the_visit_and_decodes_the_syn()
    {
        var run = new WebVisitRun(new RunRecorderOptions { SnapLength = 1514 });
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"netsim-web-visit-{Environment.ProcessId}.html");
        RunReport.Write(path, run.Recorder, new RunReportOptions { Title = "A browser visits www.example.com" });
        (IPlaywright playwright, IBrowser browser) = await Chromium.LaunchAsync();
        try
        {
            IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
            var errors = new List<string>();
            page.Console += (_, message) =>
            {
                if (message.Type == "error")
                {
                    errors.Add(message.Text);
                }
            };
            page.PageError += (_, error) => errors.Add(error);
            await page.GotoAsync(new Uri(path).AbsoluteUri);
            await page.WaitForSelectorAsync("body[data-ready=true]", new PageWaitForSelectorOptions { Timeout = 30_000 });

            // Every row, scrolling the virtualised list from top to bottom.
            string[] rows = await page.EvaluateAsync<string[]>(
                """
                async () => {
                  const list = document.getElementById("events"), seen = new Map();
                  for (let top = 0; ; top += list.clientHeight / 2) {
                    list.scrollTop = top;
                    list.dispatchEvent(new Event("scroll"));
                    await new Promise(r => requestAnimationFrame(r));
                    for (const row of document.querySelectorAll("#events-rows .row")) seen.set(Number(row.dataset.event), row.textContent);
                    if (top > list.scrollHeight) break;
                  }
                  return [...seen.keys()].sort((a, b) => a - b).map(k => seen.get(k));
                }
                """);
            rows.Should().HaveCount(run.Recorder.Events.Count, "the list scrolls through every event");
            string[] pcSent = rows.Where(r => r.Contains("pc/eth0", StringComparison.Ordinal) && r.Contains("Sent:", StringComparison.Ordinal)).ToArray();
            string[] expected = ["DNS", "[SYN]", "[ACK]", "HTTP GET /", "[FIN, ACK]"];
            int at = 0;
            foreach (string what in expected)
            {
                int found = Array.FindIndex(pcSent, at, r => r.Contains(what, StringComparison.Ordinal));
                found.Should().BeGreaterThanOrEqualTo(0, $"the pc sends {what} after the earlier steps; its rows:\n{string.Join('\n', pcSent)}");
                at = found;
            }

            rows.Should().Contain(r => r.Contains("www/eth0", StringComparison.Ordinal) && r.Contains("[SYN, ACK]", StringComparison.Ordinal), "www answers the SYN");
            rows.Should().Contain(r => r.Contains("www/eth0", StringComparison.Ordinal) && r.Contains("HTTP/1.1 200", StringComparison.Ordinal), "www sends the page");

            // Select the pc's SYN: its TCP layer shows the ports and the flag.
            ushort clientPort = ClientPortOfFirstSyn(run.Recorder);
            await page.SelectOptionAsync("#filter-device", "pc");
            await page.SelectOptionAsync("#filter-protocol", "TCP");
            // The first TCP row of the pc is TCP's own event (no frame): it leads to the frame that carried it.
            await page.Locator("#events-rows .row").First.ClickAsync();
            (await page.Locator("#detail .sentence").InnerTextAsync()).Should().Contain("three-way handshake");
            await page.Locator("#show-carrier").ClickAsync();
            (await page.Locator("#layers details[data-layer=TCP] .field[data-field='Flags'] .value").InnerTextAsync()).Should().Be("SYN");

            await page.Locator("#events-rows .row", new PageLocatorOptions { HasTextRegex = new System.Text.RegularExpressions.Regex(@"Sent: .*\[SYN\]") }).First.ClickAsync();
            ILocator tcp = page.Locator("#layers details[data-layer=TCP]");
            (await tcp.Locator(".field[data-field='Flags'] .value").InnerTextAsync()).Should().Be("SYN");
            (await tcp.Locator(".field[data-field='Destination port'] .value").InnerTextAsync()).Should().Be("80");
            (await tcp.Locator(".field[data-field='Source port'] .value").InnerTextAsync()).Should().Be(clientPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            (await tcp.Locator(".field").AllInnerTextsAsync()).Should().Contain(t => t.Contains("maximum segment size", StringComparison.Ordinal));

            // Hovering the flags field marks its byte in the hex view (offset 14 + 20 + 13).
            await tcp.Locator(".field[data-field='Flags']").HoverAsync();
            (await page.Locator("#hex .byte.marked").AllInnerTextsAsync()).Should().Equal("02");
            (await page.Locator("#hex .byte.marked").GetAttributeAsync("data-offset")).Should().Be("47");

            // And back: the byte under the cursor marks its field, and every byte of it (the destination port, 36-37).
            await page.Locator("#hex .byte[data-offset='36']").HoverAsync();
            (await page.Locator("#hex .byte.marked").EvaluateAllAsync<string[]>("cells => cells.map(c => c.dataset.offset)")).Should().Equal("36", "37");
            (await page.Locator("#layers .field.hover .name").AllInnerTextsAsync()).Should().Equal("Destination port");

            // The picture shows where the frame is: at the pc, which the topology draws with the others.
            (await page.Locator("#topology [data-device]").CountAsync()).Should().Be(6);
            (await page.Locator("#topology [data-device=pc]").GetAttributeAsync("class")).Should().Contain("at");

            // Its journey: selecting the hop where r1 sends it on marks r1, and the pc and the switch as passed.
            await page.Locator("table.journey tr", new PageLocatorOptions { HasTextString = "r1/eth1 Sent" }).ClickAsync();
            (await page.Locator("#topology [data-device=r1]").GetAttributeAsync("class")).Should().Contain("at");
            (await page.Locator("#topology [data-device=sw]").GetAttributeAsync("class")).Should().Contain("on-journey");
            (await page.Locator("table.journey tr.current").InnerTextAsync()).Should().Contain("TTL 64 → 63");
            await page.Locator("table.journey tr", new PageLocatorOptions { HasTextString = "pc/eth0 Sent" }).ClickAsync();

            // The pc's tables at that moment: its ARP cache knows its gateway.
            (await page.Locator("#tables").InnerTextAsync()).Should().Contain("192.168.1.1").And.Contain("ARP cache");

            (await page.Locator("#figures figure svg g.arrow").CountAsync()).Should().BeGreaterThan(30, "the sequence diagram is drawn");
            errors.Should().BeEmpty("the page must run without errors");
            await page.EvaluateAsync("() => window.scrollTo(0, 0)");
            string screenshot = System.IO.Path.Combine(AppContext.BaseDirectory, "web-visit-report.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
            new FileInfo(screenshot).Length.Should().BePositive();
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
            File.Delete(path);
        }
    }

    private static ushort ClientPortOfFirstSyn(RunRecorder recorder)
    {
        foreach (RecordedFrame frame in recorder.Frames)
        {
            byte[] b = frame.Bytes;
            if (b.Length >= 54 && BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(12)) == (ushort)EtherType.IPv4 && b[23] == (byte)IpProtocol.Tcp && (b[47] & 0x12) == 0x02)
            {
                return BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(34));
            }
        }

        throw new InvalidOperationException("no SYN in the run");
    }
}
