using System.Globalization;
using System.Text;
using System.Text.Json;
using NetSim.Engine;
using NetSim.Experiments;
using NetSim.Labs;
using NetSim.Tracing;
using Spectre.Console;

namespace NetSim.Cli;

/// <summary>
/// <c>netsim sweep LAB</c>: the lab run many times on all cores (<see cref="Sweep"/>), once per replication (each
/// with its own seed) of every combination of the <c>--vary</c> values of its parameters, and each measured result
/// summarised with its mean and 95% confidence interval. What is measured of each run: every check (1 passed, 0
/// failed: the mean is the share of runs it passed in), every application that can succeed (likewise), each flow's
/// delivered share, mean delay and throughput, and the run's events.
/// </summary>
internal sealed class SweepRunner(TextWriter output, bool interactive)
{
    /// <summary>Runs the sweep and prints its table (or, with <paramref name="json"/>, one JSON document).</summary>
    /// <returns>True when every check passed in every run.</returns>
    public bool Run(string path, SweepOptions options, SimTime? stopTime, bool json)
    {
        string text = File.ReadAllText(path);
        int failedChecks = 0;
        SweepResult result;
        try
        {
            result = Sweep.Run(options, run =>
            {
                LabDefinition lab = LabFile.Parse(text, path, run.Parameters);
                using LabRun built = LabRun.Build(lab, new LabRunOptions { Seed = run.Seed, StopTime = stopTime });
                LabResult ran = built.Run();
                _ = Interlocked.Add(ref failedChecks, ran.Checks.Count(c => !c.Passed));
                return Measure(ran);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Select(i => i.InnerException).OfType<LabFileException>().FirstOrDefault() is LabFileException mistake)
        {
            throw mistake; // a mistake in the lab (or a value given for a parameter): the file's message, exit code 2
        }

        if (json)
        {
            WriteJson(path, options, result);
        }
        else
        {
            Print(path, options, result);
        }

        return failedChecks == 0;
    }

    /// <summary>What a sweep keeps of one run, by name, in a fixed order.</summary>
    private static Dictionary<string, double> Measure(LabResult result)
    {
        var measured = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int i = 0; i < result.Checks.Count; i++)
        {
            measured[string.Create(CultureInfo.InvariantCulture, $"check {i + 1} passed: {result.Checks[i].Expected}")] = result.Checks[i].Passed ? 1 : 0;
        }

        foreach (LabApplicationResult application in result.Applications.Where(a => a.Succeeded is not null))
        {
            measured[$"{JsonResults.Kind(application.Application)} {(application.Application.Id is string id ? $"'{id}'" : "on " + application.Application.Device)} succeeded"] = application.Succeeded == true ? 1 : 0;
        }

        foreach (FlowStatistics flow in result.Flows)
        {
            string name = flow.Key.ToString();
            if (flow.PacketsSent > 0)
            {
                measured[$"{name}: delivered share"] = (double)flow.PacketsReceived / flow.PacketsSent;
            }

            if (flow.DelayMean is SimDuration delay)
            {
                measured[$"{name}: mean delay (ms)"] = delay.Picoseconds / 1e9;
            }

            if (flow.Throughput is DataRate rate)
            {
                measured[$"{name}: throughput (Mb/s)"] = rate.BitsPerSecond / 1e6;
            }
        }

        measured["events"] = result.Events;
        return measured;
    }

    private void Print(string path, SweepOptions options, SweepResult result)
    {
        IAnsiConsole console = Consoles.Create(output, interactive);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Sweep of {path}: {result.Points.Count} {(result.Points.Count == 1 ? "point" : "points")} x {options.Replications} runs (seeds from {options.Seed}), mean and 95% confidence interval (Student's t):"));
        foreach (SweepPointResult point in result.Points)
        {
            var table = new Table().AddColumns("Result", "Mean", "95% CI", "n");
            table.Columns[1].RightAligned();
            table.Columns[3].RightAligned();
            foreach ((string name, SweepStatistic statistic) in point.Statistics)
            {
                _ = table.AddRow(
                    new Text(name),
                    new Text(Number(statistic.Mean)),
                    new Text(statistic.Count < 2 ? "-" : $"[{Number(statistic.Lower)}, {Number(statistic.Upper)}]"),
                    new Text(statistic.Count.ToString(CultureInfo.InvariantCulture)));
            }

            output.WriteLine();
            output.WriteLine(point.Parameters.Count == 0 ? "The lab as written:" : $"{string.Join(", ", point.Parameters.Select(p => $"{p.Key} = {p.Value}"))}:");
            console.Write(table);
        }
    }

    private void WriteJson(string path, SweepOptions options, SweepResult result)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("lab", path);
            json.WriteNumber("replications", options.Replications);
            json.WriteString("seed", options.Seed.ToString(CultureInfo.InvariantCulture));
            json.WriteStartArray("points");
            foreach (SweepPointResult point in result.Points)
            {
                json.WriteStartObject();
                json.WriteStartObject("parameters");
                foreach ((string name, string value) in point.Parameters)
                {
                    json.WriteString(name, value);
                }

                json.WriteEndObject();
                json.WriteStartArray("results");
                foreach ((string name, SweepStatistic statistic) in point.Statistics)
                {
                    json.WriteStartObject();
                    json.WriteString("name", name);
                    json.WriteNumber("count", statistic.Count);
                    json.WriteNumber("mean", statistic.Mean);
                    json.WriteNumber("standardDeviation", statistic.StandardDeviation);
                    if (statistic.Count > 1)
                    {
                        json.WriteNumber("halfWidth95", statistic.HalfWidth);
                    }
                    else
                    {
                        json.WriteNull("halfWidth95");
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
