using System.CommandLine;
using System.Globalization;
using NetSim.Engine;
using NetSim.Experiments;
using NetSim.Labs;
using Spectre.Console;

namespace NetSim.Cli;

/// <summary>
/// The <c>netsim</c> command line: <c>run</c>, <c>check</c>, <c>lessons</c>, <c>lesson</c>, <c>schema</c>, and no
/// argument for the default lesson. Exit codes: 0 ran and every check passed, 1 a check failed, 2 the lab file or the
/// command line is wrong (one line naming the problem on standard error, never a stack trace).
/// </summary>
internal static class NetSimCommand
{
    /// <summary>Exit code: ran, and every check passed.</summary>
    public const int Passed = 0;

    /// <summary>Exit code: ran, and a check failed.</summary>
    public const int ChecksFailed = 1;

    /// <summary>Exit code: the lab file or the command line is wrong.</summary>
    public const int Wrong = 2;

    /// <summary>
    /// Runs the command line <paramref name="args"/>, writing to <paramref name="output"/> and <paramref name="error"/>.
    /// </summary>
    /// <param name="args">The arguments, without the command's name.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="interactive">True when <paramref name="output"/> is a terminal: colours, and a progress bar for a long run.</param>
    /// <returns>The exit code.</returns>
    public static int Invoke(string[] args, TextWriter output, TextWriter error, bool interactive = false)
    {
        var cli = new Cli(output, error, interactive);
        RootCommand root = cli.Build();
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            return cli.Usage(parsed, parsed.Errors[0].Message);
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (LabFileException e)
        {
            error.WriteLine(e.Message);
            return Wrong;
        }
        catch (CommandLineException e)
        {
            return cli.Usage(parsed, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file the command line names cannot be read or written (--report in a missing folder, --export to a file).
            error.WriteLine($"netsim: {e.Message}");
            return Wrong;
        }
    }

    /// <summary>A mistake on the command line found after parsing (an unknown lesson, a bad time).</summary>
    internal sealed class CommandLineException(string message) : Exception(message);

    private sealed class Cli(TextWriter output, TextWriter error, bool interactive)
    {
        private readonly Option<string> pcap = new("--pcap") { HelpName = "DIR", Description = "Write one pcap file per capture point of the lab into DIR (made if missing), for Wireshark." };
        private readonly Option<string> report = new("--report") { HelpName = "FILE", Description = "Write the HTML report of the run to FILE: a page a browser opens to step through every event and frame." };
        private readonly Option<ulong?> seed = new("--seed") { HelpName = "N", Description = "The seed of the simulation's random numbers, instead of the lab's." };
        private readonly Option<string> until = new("--until") { HelpName = "TIME", Description = "Stop the run at TIME (such as 2 s or 500 ms), instead of the lab's stop-time." };
        private readonly Option<bool> quiet = new("--quiet", "-q") { Description = "Do not tell every event of the run; print only the results." };
        private readonly Option<bool> json = new("--json") { Description = "Print the results as one JSON document, and nothing else (see docs/architecture.md, \"The netsim command's JSON\")." };
        private readonly Option<string[]> tables = new("--tables") { HelpName = "DEVICE", Description = "Print the tables (MAC table, ARP cache, routes) of each DEVICE after the run.", AllowMultipleArgumentsPerToken = true };
        private readonly Option<string[]> set = new("--set") { HelpName = "NAME=VALUE", Description = "Give the lab's parameter NAME (written ${NAME} or ${NAME:-default} in the file) the value VALUE.", AllowMultipleArgumentsPerToken = true };
        private readonly Option<bool> fingerprint = new("--fingerprint") { Description = "Print the run's fingerprint: a hash of every trace event and frame. Two runs that print the same did the same things at the same times." };

        public RootCommand Build()
        {
            // Checked before anything runs, as the samples' options are (samples/SampleReport.cs).
            report.Validators.Add(result =>
            {
                string path = result.GetValueOrDefault<string>() ?? "";
                string? folder = Path.GetDirectoryName(path);
                if (path.Length == 0 || Directory.Exists(path))
                {
                    result.AddError($"--report needs the path of a file to write, such as report.html; '{path}' is not one.");
                }
                else if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
                {
                    result.AddError($"--report cannot write '{path}': the folder '{folder}' does not exist.");
                }
            });
            pcap.Validators.Add(result =>
            {
                string path = result.GetValueOrDefault<string>() ?? "";
                if (path.Length == 0 || File.Exists(path))
                {
                    result.AddError($"--pcap needs the path of a folder to write the captures to; '{path}' is {(path.Length == 0 ? "empty" : "a file")}.");
                }
            });

            var root = new RootCommand(
                "Runs NetSim labs: a network, its traffic and its checks described in a lab file (YAML or JSON).\n" +
                "With no command, runs the lesson '" + LabLessons.DefaultName + "'. 'netsim schema > lab.schema.json' gives editors the lab format's JSON Schema.\n" +
                "Exit codes: 0 every check passed, 1 a check failed, 2 the lab file or the command line is wrong.");
            root.SetAction(_ => RunLesson(LabLessons.DefaultName, new RunSettings()));

            var labArgument = new Argument<string>("LAB") { Description = "The lab file (YAML or JSON)." };
            var run = new Command("run", "Run a lab file: tell what happens, then print the applications' results, the flows and the checks' verdicts.") { labArgument, set };
            AddRunOptions(run);
            run.SetAction(parsed => RunFile(parsed.GetValue(labArgument)!, Settings(parsed), Parameters(parsed.GetValue(set))));
            root.Add(run);

            var checkArgument = new Argument<string>("LAB") { Description = "The lab file (YAML or JSON)." };
            var checkSet = new Option<string[]>("--set") { HelpName = "NAME=VALUE", Description = "Give the lab's parameter NAME the value VALUE.", AllowMultipleArgumentsPerToken = true };
            var check = new Command("check", "Check a lab file without running it: read it and build its network.") { checkArgument, checkSet };
            check.SetAction(parsed => Check(parsed.GetValue(checkArgument)!, Parameters(parsed.GetValue(checkSet))));
            root.Add(check);

            var lessons = new Command("lessons", "List the built-in lessons, in the course's order.");
            lessons.SetAction(_ => ListLessons());
            root.Add(lessons);

            var nameArgument = new Argument<string>("NAME") { Description = "The lesson's name, as 'netsim lessons' lists it." };
            var export = new Option<string>("--export") { HelpName = "DIR", Description = "Write the lesson's lab files into DIR (made if missing) to read and edit, instead of running it." };
            var lesson = new Command("lesson", "Run a built-in lesson, each of its parts in order (or export its lab files).") { nameArgument, export };
            AddRunOptions(lesson);
            lesson.SetAction(parsed => parsed.GetValue(export) is string folder
                ? Export(parsed.GetValue(nameArgument)!, folder)
                : RunLesson(parsed.GetValue(nameArgument)!, Settings(parsed)));
            root.Add(lesson);

            var sweepArgument = new Argument<string>("LAB") { Description = "The lab file (YAML or JSON)." };
            var runs = new Option<int>("--runs") { HelpName = "N", Description = "How many runs each point gets, each with its own seed (10 unless given).", DefaultValueFactory = _ => 10 };
            var sweepSeed = new Option<ulong>("--seed") { HelpName = "N", Description = "The seed the runs' seeds are derived from (0 unless given)." };
            var vary = new Option<string[]>("--vary") { HelpName = "NAME=V1,V2,...", Description = "Run every value of the lab's parameter NAME; several --vary: every combination.", AllowMultipleArgumentsPerToken = true };
            var parallel = new Option<int?>("--parallel") { HelpName = "N", Description = "How many runs go at once (one per core unless given)." };
            var sweepUntil = new Option<string>("--until") { HelpName = "TIME", Description = "Stop each run at TIME, instead of the lab's stop-time." };
            var sweepJson = new Option<bool>("--json") { Description = "Print the results as one JSON document, and nothing else." };
            var sweep = new Command("sweep", "Run a lab many times on all cores, with a seed each and every combination of --vary values, and print each result's mean and 95% confidence interval.")
            {
                sweepArgument, runs, sweepSeed, vary, parallel, sweepUntil, sweepJson,
            };
            sweep.SetAction(parsed => Sweep(
                parsed.GetValue(sweepArgument)!,
                new SweepOptions
                {
                    Replications = parsed.GetValue(runs) is int n and > 0 ? n : throw new CommandLineException($"--runs needs a number of runs of at least 1, not {parsed.GetValue(runs)}"),
                    Seed = parsed.GetValue(sweepSeed),
                    Parameters = [.. Parameters(parsed.GetValue(vary), several: true).Select(p => new SweepParameter(p.Key, p.Value))],
                    MaxDegreeOfParallelism = parsed.GetValue(parallel) is int p ? (p > 0 ? p : throw new CommandLineException($"--parallel needs at least 1, not {p}")) : null,
                },
                Time(parsed.GetValue(sweepUntil), "--until"),
                parsed.GetValue(sweepJson)));
            root.Add(sweep);

            var schema = new Command("schema", "Print the lab format's JSON Schema, for editors: netsim schema > lab.schema.json");
            schema.SetAction(_ =>
            {
                output.Write(LabFile.Schema);
                return Passed;
            });
            root.Add(schema);
            return root;
        }

        /// <summary>One line naming the problem, then the usage of the command, on standard error; exit code 2.</summary>
        public int Usage(ParseResult parsed, string problem)
        {
            error.WriteLine($"netsim: {problem}");
            error.WriteLine();
            _ = parsed.CommandResult.Command.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = error });
            return Wrong;
        }

        private void AddRunOptions(Command command)
        {
            command.Add(pcap);
            command.Add(report);
            command.Add(seed);
            command.Add(until);
            command.Add(quiet);
            command.Add(json);
            command.Add(tables);
            command.Add(fingerprint);
        }

        private RunSettings Settings(ParseResult parsed)
        {
            SimTime? stop = Time(parsed.GetValue(until), "--until");
            return new RunSettings
            {
                CaptureDirectory = parsed.GetValue(pcap),
                ReportPath = parsed.GetValue(report),
                Seed = parsed.GetValue(seed),
                StopTime = stop,
                Quiet = parsed.GetValue(quiet),
                Json = parsed.GetValue(json),
                Tables = parsed.GetValue(tables) ?? [],
                Fingerprint = parsed.GetValue(fingerprint),
            };
        }

        private static SimTime? Time(string? text, string option) =>
            text is null ? null
            : SimTime.TryParse(text, out SimTime time) ? time
            : throw new CommandLineException($"{option}: '{text}' is not a time; write one such as 2 s, 150 ms or 10 us");

        /// <summary>The values of <c>--set</c> (one value each) or <c>--vary</c> (<paramref name="several"/>), by name, in the order given.</summary>
        private static Dictionary<string, IReadOnlyList<string>> Parameters(string[]? assignments, bool several)
        {
            var parameters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            string option = several ? "--vary" : "--set";
            foreach (string assignment in assignments ?? [])
            {
                if (!LabParameters.TryParseAssignment(assignment, out string name, out IReadOnlyList<string> values) || (!several && values.Count > 1))
                {
                    throw new CommandLineException($"{option}: '{assignment}' is not {(several ? "NAME=V1,V2,..." : "NAME=VALUE")}");
                }

                if (!parameters.TryAdd(name, values))
                {
                    throw new CommandLineException($"{option}: the parameter '{name}' is given twice");
                }
            }

            return parameters;
        }

        private static Dictionary<string, string> Parameters(string[]? assignments) =>
            Parameters(assignments, several: false).ToDictionary(p => p.Key, p => p.Value[0], StringComparer.Ordinal);

        private int Sweep(string path, SweepOptions options, SimTime? stopTime, bool json)
        {
            if (!File.Exists(path))
            {
                throw new CommandLineException($"the lab file '{path}' does not exist");
            }

            return new SweepRunner(output, interactive).Run(path, options, stopTime, json) ? Passed : ChecksFailed;
        }

        private int RunFile(string path, RunSettings settings, Dictionary<string, string> parameters)
        {
            if (!File.Exists(path))
            {
                throw new CommandLineException($"the lab file '{path}' does not exist");
            }

            LabDefinition lab = LabFile.Load(path, parameters);
            var runner = new LabRunner(output, interactive, settings);
            bool passed = runner.Run(lab, heading: null, settings.ReportPath, settings.CaptureDirectory);
            runner.Finish();
            return passed ? Passed : ChecksFailed;
        }

        private int RunLesson(string name, RunSettings settings)
        {
            LabLesson lesson = Find(name);
            var runner = new LabRunner(output, interactive, settings);
            bool passed = true;
            IReadOnlyList<LabDefinition> labs = lesson.Load();
            for (int i = 0; i < labs.Count; i++)
            {
                string heading = labs.Count == 1
                    ? $"Lesson {lesson.Name}: {lesson.Title}"
                    : string.Create(CultureInfo.InvariantCulture, $"Lesson {lesson.Name}, part {i + 1} of {labs.Count}: {lesson.Title} ({lesson.Parts[i]})");
                // Several parts: each one's report beside the others (report-PART.html), its captures in DIR/PART/.
                string part = Path.GetFileNameWithoutExtension(lesson.Parts[i]);
                string? reportPath = labs.Count == 1 ? settings.ReportPath : PathFor(settings.ReportPath, part);
                string? captures = labs.Count == 1 || settings.CaptureDirectory is null ? settings.CaptureDirectory : Path.Combine(settings.CaptureDirectory, part);
                passed &= runner.Run(labs[i], heading, reportPath, captures);
            }

            runner.Finish(lesson);
            return passed ? Passed : ChecksFailed;
        }

        private int Check(string path, Dictionary<string, string> parameters)
        {
            if (!File.Exists(path))
            {
                throw new CommandLineException($"the lab file '{path}' does not exist");
            }

            LabDefinition lab = LabFile.Load(path, parameters);
            using LabRun built = LabRun.Build(lab);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{path}: ok ({Count(lab.Devices.Count, "device")}, {Count(lab.Links.Count, "link")}, {Count(lab.Checks.Count, "check")})"));
            return Passed;
        }

        private int ListLessons()
        {
            var table = new Table().AddColumns("#", "Lesson", "Title", "What it shows");
            for (int i = 0; i < LabLessons.All.Count; i++)
            {
                LabLesson lesson = LabLessons.All[i];
                _ = table.AddRow(
                    new Text((i + 1).ToString(CultureInfo.InvariantCulture)),
                    new Text(lesson.Name),
                    new Text(lesson.Title),
                    new Text(lesson.Summary));
            }

            Consoles.Create(output, interactive).Write(table);
            output.WriteLine("Run one with: netsim lesson NAME (netsim lesson NAME --export DIR writes its lab files to edit).");
            return Passed;
        }

        private int Export(string name, string folder)
        {
            LabLesson lesson = Find(name);
            _ = Directory.CreateDirectory(folder);
            foreach (string part in lesson.Parts)
            {
                string path = Path.Combine(folder, part);
                File.WriteAllText(path, lesson.ReadPart(part));
                output.WriteLine($"wrote {path}");
            }

            output.WriteLine(lesson.Parts.Count == 1 ? "Edit it, then run it with:" : "Edit them, then run them in order with:");
            foreach (string part in lesson.Parts)
            {
                output.WriteLine($"  netsim run {Path.Combine(folder, part)}");
            }

            return Passed;
        }

        private static LabLesson Find(string name)
        {
            if (LabLessons.Find(name) is LabLesson lesson)
            {
                return lesson;
            }

            string names = string.Join(", ", LabLessons.All.Select(l => l.Name));
            string? close = LabLessons.All.Select(l => l.Name).OrderBy(n => Distance(n, name.ToLowerInvariant())).First();
            string suggestion = Distance(close, name.ToLowerInvariant()) <= Math.Max(2, close.Length / 3) ? $"; did you mean '{close}'?" : "";
            throw new CommandLineException($"no lesson '{name}'; the lessons are {names}{suggestion}");
        }

        private static string? PathFor(string? path, string part) =>
            path is null ? null : Path.Combine(Path.GetDirectoryName(path) ?? "", $"{Path.GetFileNameWithoutExtension(path)}-{part}{Path.GetExtension(path)}");

        private static string Count(int n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? "" : "s")}");

        /// <summary>The Levenshtein distance: the fewest one-character edits from <paramref name="a"/> to <paramref name="b"/>.</summary>
        private static int Distance(string a, string b)
        {
            int[] previous = [.. Enumerable.Range(0, b.Length + 1)];
            int[] current = new int[b.Length + 1];
            for (int i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (int j = 1; j <= b.Length; j++)
                {
                    current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                }

                (previous, current) = (current, previous);
            }

            return previous[b.Length];
        }
    }
}
