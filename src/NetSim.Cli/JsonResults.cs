using System.Globalization;
using System.Text;
using System.Text.Json;
using NetSim.Labs;
using NetSim.Tracing;

namespace NetSim.Cli;

/// <summary>
/// The document <c>--json</c> prints: field names in camelCase, times both as text ("12.345 ms") and in picoseconds,
/// numbers in the invariant culture, the same bytes for the same run. Its shape is in docs/architecture.md ("The netsim
/// command's JSON").
/// </summary>
internal static class JsonResults
{
    /// <summary>One lab's run, kept for the document.</summary>
    public sealed record Run(LabResult Result, ulong Seed, Fingerprint? Fingerprint, string? ReportPath)
    {
        // The fingerprint is read when the run is kept: the listener is disposed with the run.
        public string? FingerprintValue { get; } = Fingerprint?.Value;

        public long FingerprintEvents { get; } = Fingerprint?.Events ?? 0;

        public long FingerprintFrames { get; } = Fingerprint?.Frames ?? 0;
    }

    /// <summary>An application's kind as a lab file writes it: "ping", "web-visit".</summary>
    public static string Kind(LabApplication application) => Kebab(application.GetType().Name["Lab".Length..]);

    /// <summary>A check's kind as a lab file writes it: "mac-table", "arp-cache".</summary>
    public static string Kind(LabCheck check)
    {
        string name = check.GetType().Name["Lab".Length..];
        return Kebab(name.EndsWith("Check", StringComparison.Ordinal) ? name[..^"Check".Length] : name);
    }

    /// <summary>
    /// Writes the document: for one lab file, the lab's object; for a lesson, <c>{ "lesson", "title", "passed",
    /// "parts": [ lab objects ] }</c>.
    /// </summary>
    public static void Write(TextWriter output, IReadOnlyList<Run> runs, LabLesson? lesson)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            if (lesson is null)
            {
                WriteRun(json, runs.Single());
            }
            else
            {
                json.WriteStartObject();
                json.WriteString("lesson", lesson.Name);
                json.WriteString("title", lesson.Title);
                json.WriteBoolean("passed", runs.All(r => r.Result.Passed));
                json.WriteStartArray("parts");
                foreach (Run run in runs)
                {
                    WriteRun(json, run);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }
        }

        output.Write(Encoding.UTF8.GetString(stream.ToArray()).ReplaceLineEndings("\n"));
        output.Write('\n');
    }

    private static void WriteRun(Utf8JsonWriter json, Run run)
    {
        LabResult result = run.Result;
        json.WriteStartObject();
        json.WriteString("lab", result.Lab.Name);
        json.WriteString("description", result.Lab.Description);
        json.WriteString("file", result.Lab.FileName);
        json.WriteString("seed", run.Seed.ToString(CultureInfo.InvariantCulture)); // a ulong: exact as text in every JSON reader
        json.WriteString("endTime", result.EndTime.ToString());
        json.WriteNumber("endTimePs", result.EndTime.Picoseconds);
        json.WriteNumber("events", result.Events);
        json.WriteBoolean("passed", result.Passed);
        json.WriteNumber("checksPassed", result.Checks.Count(c => c.Passed));
        json.WriteNumber("checksTotal", result.Checks.Count);

        json.WriteStartArray("applications");
        foreach (LabApplicationResult application in result.Applications)
        {
            json.WriteStartObject();
            json.WriteString("kind", Kind(application.Application));
            json.WriteString("id", application.Application.Id);
            json.WriteString("device", application.Application.Device);
            json.WriteString("start", application.Application.Start.ToString());
            if (application.Succeeded is bool succeeded)
            {
                json.WriteBoolean("succeeded", succeeded);
            }
            else
            {
                json.WriteNull("succeeded");
            }

            json.WriteString("summary", application.Summary.ReplaceLineEndings("\n"));
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("checks");
        foreach (LabCheckResult check in result.Checks)
        {
            json.WriteStartObject();
            json.WriteString("kind", Kind(check.Check));
            json.WriteNumber("line", check.Check.Position.Line);
            json.WriteNumber("column", check.Check.Position.Column);
            if (check.Check.At is { } at)
            {
                json.WriteString("at", at.ToString());
            }
            else
            {
                json.WriteNull("at");
            }

            json.WriteBoolean("passed", check.Passed);
            json.WriteString("expected", check.Expected);
            json.WriteString("observed", check.Observed);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        // The flows as FlowReport.WriteJson writes them (docs/architecture.md, "Flow statistics").
        using (var flows = new MemoryStream())
        {
            FlowReport.WriteJson(flows, result.Flows);
            using JsonDocument document = JsonDocument.Parse(flows.ToArray());
            json.WritePropertyName("flows");
            document.RootElement.GetProperty("flows").WriteTo(json);
        }

        json.WriteStartArray("captureFiles");
        foreach (string file in result.CaptureFiles)
        {
            json.WriteStringValue(file);
        }

        json.WriteEndArray();
        if (run.ReportPath is not null)
        {
            json.WriteString("report", run.ReportPath);
        }

        if (run.FingerprintValue is not null)
        {
            json.WriteStartObject("fingerprint");
            json.WriteString("value", run.FingerprintValue);
            json.WriteNumber("events", run.FingerprintEvents);
            json.WriteNumber("frames", run.FingerprintFrames);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static string Kebab(string pascal)
    {
        var text = new StringBuilder();
        foreach (char c in pascal)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
