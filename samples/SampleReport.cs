using System.CommandLine;
using NetSim.Links;
using NetSim.Reporting;

/// <summary>
/// <c>--report PATH</c> for the samples that run a network, in one file that each of them links: record the run and
/// write its HTML report (NetSim.Reporting), a file a browser opens to step through the run.
/// </summary>
internal static class SampleReport
{
    /// <summary><c>--report PATH</c>: write the HTML report of <paramref name="run"/> to a new file at PATH.</summary>
    public static Option<string> ReportOption(string run = "the run")
    {
        var option = new Option<string>("--report")
        {
            HelpName = "PATH",
            Description = $"Write the HTML report of {run} to PATH: a page a browser opens, to step through every event and frame.",
        };
        option.Validators.Add(result =>
        {
            string path = result.GetValueOrDefault<string>() ?? "";
            string? folder = Path.GetDirectoryName(path);
            if (path.Length == 0)
            {
                result.AddError("--report needs the path of a file to write, such as report.html.");
            }
            else if (Directory.Exists(path))
            {
                result.AddError($"--report needs the path of a file to write; '{path}' is a folder.");
            }
            else if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
            {
                result.AddError($"--report cannot write '{path}': the folder '{folder}' does not exist.");
            }
        });
        return option;
    }

    /// <summary>For a sample that runs several networks: PATH with <paramref name="run"/> added to its name (report.html, "codel": report-codel.html); null for null.</summary>
    public static string? PathFor(string? path, string run) =>
        path is null ? null : Path.Combine(Path.GetDirectoryName(path) ?? "", $"{Path.GetFileNameWithoutExtension(path)}-{run}{Path.GetExtension(path)}");

    /// <summary>Starts recording <paramref name="network"/>'s run when <paramref name="path"/> is given; <see cref="Recording.Write"/> writes the report.</summary>
    public static Recording? Start(string? path, Network network, string title, RunRecorderOptions? options = null) =>
        path is null ? null : new Recording(path, new RunRecorder(network, options), title);

    /// <summary>A run being recorded for its report.</summary>
    internal sealed class Recording(string path, RunRecorder recorder, string title) : IDisposable
    {
        /// <summary>Writes the report of the run so far, with the sample's own <paramref name="figures"/> (its plots) after the sequence diagram, and says where.</summary>
        public void Write(params ReportFigure[] figures)
        {
            RunReport.Write(path, recorder, new RunReportOptions { Title = title, Figures = figures });
            Console.WriteLine($"Report written to {path}: open it in a browser to step through the run.");
        }

        /// <summary>Stops recording.</summary>
        public void Dispose() => recorder.Dispose();
    }
}
