using System.Diagnostics;
using System.Globalization;
using System.Text;
using NetSim.Engine;
using NetSim.Labs;
using NetSim.Reporting;
using NetSim.Tracing;
using Spectre.Console;

namespace NetSim.Cli;

/// <summary>What <c>netsim run</c> and <c>netsim lesson</c> were asked for.</summary>
internal sealed record RunSettings
{
    /// <summary><c>--pcap DIR</c>.</summary>
    public string? CaptureDirectory { get; init; }

    /// <summary><c>--report FILE</c>.</summary>
    public string? ReportPath { get; init; }

    /// <summary><c>--seed N</c>.</summary>
    public ulong? Seed { get; init; }

    /// <summary><c>--until TIME</c>.</summary>
    public SimTime? StopTime { get; init; }

    /// <summary><c>--quiet</c>: no narration.</summary>
    public bool Quiet { get; init; }

    /// <summary><c>--json</c>: one JSON document and nothing else.</summary>
    public bool Json { get; init; }

    /// <summary><c>--tables DEVICE...</c>.</summary>
    public IReadOnlyList<string> Tables { get; init; } = [];

    /// <summary><c>--fingerprint</c>.</summary>
    public bool Fingerprint { get; init; }
}

/// <summary>
/// Runs labs one after the other and prints what happened: the narration as the run goes, then the applications'
/// results, the tables asked for, the flows and the checks' verdicts; or, with <c>--json</c>, one JSON document at the
/// end (<see cref="Finish"/>).
/// </summary>
internal sealed class LabRunner(TextWriter output, bool interactive, RunSettings settings)
{
    private static readonly TimeSpan ProgressDelay = TimeSpan.FromSeconds(1);
    private readonly List<JsonResults.Run> runs = [];

    /// <summary>Runs <paramref name="lab"/> and prints it (or keeps it for the JSON document); true when every check passed.</summary>
    /// <exception cref="LabFileException">The lab cannot be built.</exception>
    /// <param name="lab">The lab.</param>
    /// <param name="heading">A line printed before it (a lesson's part), or null.</param>
    /// <param name="reportPath">Where its HTML report goes, or null.</param>
    /// <param name="captureDirectory">Where its captures go, or null.</param>
    public bool Run(LabDefinition lab, string? heading, string? reportPath, string? captureDirectory)
    {
        using LabRun run = LabRun.Build(lab, new LabRunOptions { Seed = settings.Seed, StopTime = settings.StopTime, CaptureDirectory = captureDirectory });
        foreach (string device in settings.Tables)
        {
            if (run.FormatTables(device) is null)
            {
                throw new NetSimCommand.CommandLineException(
                    $"--tables: the lab {lab.Name ?? lab.FileName} has no device '{device}'; its devices are {string.Join(", ", lab.Devices.Select(d => d.Name))}");
            }
        }

        using Fingerprint? fingerprint = settings.Fingerprint ? new Fingerprint(run.Network.Tracer) : null;
        using RunRecorder? recorder = reportPath is null ? null : new RunRecorder(run.Network, new RunRecorderOptions { SnapLength = 1514 });
        ulong seed = settings.Seed ?? lab.Seed;

        if (settings.Json)
        {
            LabResult quiet = run.Run();
            WriteReport(recorder, reportPath, lab, say: false);
            runs.Add(new JsonResults.Run(quiet, seed, fingerprint, reportPath));
            return quiet.Passed;
        }

        IAnsiConsole console = Consoles.Create(output, interactive);
        if (heading is not null)
        {
            console.Write(new Rule(Markup.Escape(heading)) { Justification = Justify.Left });
        }

        output.WriteLine(lab.Description is null ? Title(lab) : $"{Title(lab)}: {lab.Description}");
        output.WriteLine();
        LabResult result = settings.Quiet ? run.Run() : RunNarrated(run, console);
        if (!settings.Quiet)
        {
            output.WriteLine();
        }

        PrintApplications(result);
        foreach (string device in lab.Show.Concat(settings.Tables).Distinct(StringComparer.Ordinal)) // the lab's 'show', then --tables
        {
            output.WriteLine($"Tables of {device}:");
            output.Write(run.FormatTables(device));
            output.WriteLine();
        }

        PrintFlows(console, result);
        PrintChecks(console, result);
        if (result.CaptureFiles.Count > 0)
        {
            output.WriteLine($"Captures written (open them in Wireshark): {string.Join(", ", result.CaptureFiles)}");
        }

        WriteReport(recorder, reportPath, lab, say: true);
        if (fingerprint is not null)
        {
            output.WriteLine($"fingerprint: {fingerprint}");
        }

        output.WriteLine();
        return result.Passed;
    }

    /// <summary>Prints the JSON document of every run, with <c>--json</c>.</summary>
    /// <param name="lesson">The lesson the runs were the parts of, or null for one lab file.</param>
    public void Finish(LabLesson? lesson = null)
    {
        if (settings.Json)
        {
            JsonResults.Write(output, runs, lesson);
        }
    }

    private static string Title(LabDefinition lab) => lab.Name ?? Path.GetFileNameWithoutExtension(lab.FileName);

    private void WriteReport(RunRecorder? recorder, string? path, LabDefinition lab, bool say)
    {
        if (recorder is null || path is null)
        {
            return;
        }

        RunReport.Write(path, recorder, new RunReportOptions { Title = lab.Description ?? Title(lab) });
        if (say)
        {
            output.WriteLine($"Report written to {path}: open it in a browser to step through the run.");
        }
    }

    /// <summary>Runs with the narrator telling every event; on a terminal, a progress bar once the run has taken a second.</summary>
    private LabResult RunNarrated(LabRun run, IAnsiConsole console)
    {
        if (!interactive)
        {
            using var narrator = new TraceNarrator(run.Network.Tracer, output);
            return run.Run();
        }

        // On a terminal the narration goes through the console, a batch at each progress report (ten times a
        // second), so the bar is drawn again below it ten times a second, not after every line.
        LabResult? result = null;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .Start(context =>
            {
                using var lines = new BatchWriter(console);
                using (var narrator = new TraceNarrator(run.Network.Tracer, lines))
                {
                    result = run.Run(new Bar(context, Stopwatch.StartNew(), Title(run.Lab), lines), TimeSpan.FromMilliseconds(100));
                }

                lines.Flush();
            });
        return result!;
    }

    private void PrintApplications(LabResult result)
    {
        foreach (LabApplicationResult application in result.Applications)
        {
            LabApplication app = application.Application;
            string outcome = application.Succeeded switch { true => "succeeded", false => "failed", null => "ran" };
            string name = app.Id is null || app.Id == JsonResults.Kind(app) ? JsonResults.Kind(app) : $"{app.Id} ({JsonResults.Kind(app)})";
            output.WriteLine($"{name} on {app.Device} from {app.Start}: {outcome}");
            foreach (string line in application.Summary.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'))
            {
                output.WriteLine(line.Length == 0 ? "" : "  " + line);
            }

            output.WriteLine();
        }
    }

    private void PrintFlows(IAnsiConsole console, LabResult result)
    {
        if (result.Flows.Count == 0)
        {
            return;
        }

        output.WriteLine("Flows:");
        var table = new Table();
        _ = table.AddColumn(new TableColumn("Flow").NoWrap());
        foreach (string column in (string[])["Sent", "Received", "Lost", "Mean delay", "Jitter", "Throughput", "Retransmitted"])
        {
            _ = table.AddColumn(new TableColumn(column).RightAligned().NoWrap());
        }

        foreach (FlowStatistics flow in result.Flows)
        {
            _ = table.AddRow(
                new Text(flow.Key.ToString()),
                new Text(Number(flow.PacketsSent)),
                new Text(Number(flow.PacketsReceived)),
                new Text(Number(flow.PacketsLost)),
                new Text(flow.DelayMean?.ToString() ?? "-"),
                new Text(flow.Jitter.ToString()),
                new Text(flow.Throughput?.ToString() ?? "-"),
                new Text(flow.RetransmittedBytes > 0 ? Number(flow.RetransmittedBytes) + " B" : "-"));
        }

        console.Write(table);
        output.WriteLine();
    }

    private void PrintChecks(IAnsiConsole console, LabResult result)
    {
        if (result.Checks.Count > 0)
        {
            output.WriteLine("Checks:");
            var table = new Table().AddColumns("Verdict", "Expected", "Observed");
            foreach (LabCheckResult check in result.Checks)
            {
                _ = table.AddRow(
                    new Text(check.Passed ? "PASS" : "FAIL", new Style(check.Passed ? Color.Green : Color.Red)),
                    new Text(check.Expected),
                    new Text(check.Observed));
            }

            console.Write(table);
        }

        int passed = result.Checks.Count(c => c.Passed);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{passed} of {result.Checks.Count} checks passed"));
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>Shows a bar once the run has taken <see cref="ProgressDelay"/> of wall time; a shorter run shows none.</summary>
    private sealed class Bar(ProgressContext context, Stopwatch clock, string what, BatchWriter lines) : IProgress<SimulationProgress>
    {
        private ProgressTask? task;

        public void Report(SimulationProgress value)
        {
            lines.Flush();
            if (task is null)
            {
                if (clock.Elapsed < ProgressDelay || value.IsFinal)
                {
                    return;
                }

                task = context.AddTask(Markup.Escape(what), maxValue: 1.0);
            }

            task.IsIndeterminate = value.Fraction is null && !value.IsFinal;
            task.Value = value.IsFinal ? 1.0 : value.Fraction ?? 0;
            task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{what}: {value.Now} simulated, {value.EventsPerSecond:N0} events/s"));
        }
    }

    /// <summary>Keeps what is written, and writes it to a Spectre console as plain text (not markup) when flushed.</summary>
    private sealed class BatchWriter(IAnsiConsole console) : StringWriter(CultureInfo.InvariantCulture)
    {
        public override void Flush()
        {
            StringBuilder text = GetStringBuilder();
            if (text.Length > 0)
            {
                console.Write(new Text(text.ToString()));
                _ = text.Clear();
            }
        }
    }
}
