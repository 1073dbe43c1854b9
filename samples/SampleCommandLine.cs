using System.CommandLine;
using NetSim.Links;
using NetSim.Tracing;

/// <summary>
/// What every sample does with its command line, in one file that each sample project links. <c>--help</c> prints the
/// usage and exits 0. A bad command line prints one line that names the problem, then the usage, on standard error,
/// and exits 2 (System.CommandLine's own error handling prints every error and exits 1).
/// </summary>
internal static class SampleCommandLine
{
    /// <summary><c>--pcap PATH</c>: write a capture of <paramref name="link"/> to a new file at PATH.</summary>
    public static Option<string> PcapOption(string link)
    {
        var option = new Option<string>("--pcap")
        {
            HelpName = "PATH",
            Description = $"Write a capture of {link} to PATH, a pcap file that Wireshark opens.",
        };
        option.Validators.Add(result =>
        {
            string path = result.GetValueOrDefault<string>() ?? "";
            string? folder = Path.GetDirectoryName(path);
            if (path.Length == 0)
            {
                result.AddError("--pcap needs the path of a file to write, such as capture.pcap.");
            }
            else if (Directory.Exists(path))
            {
                result.AddError($"--pcap needs the path of a file to write; '{path}' is a folder.");
            }
            else if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
            {
                result.AddError($"--pcap cannot write '{path}': the folder '{folder}' does not exist.");
            }
        });
        return option;
    }

    /// <summary>
    /// <c>--csv PATH</c>: write <paramref name="what"/> as CSV to a new file at PATH; with <paramref name="folder"/>,
    /// <c>--csv DIR</c>: write the files <paramref name="what"/> names into the folder DIR (made if missing).
    /// </summary>
    public static Option<string> CsvOption(string what, bool folder = false)
    {
        var option = new Option<string>("--csv")
        {
            HelpName = folder ? "DIR" : "PATH",
            Description = folder ? $"Write {what} to the folder DIR (made if missing), for a plot." : $"Write {what} to PATH as CSV, for a plot.",
        };
        option.Validators.Add(result =>
        {
            string path = result.GetValueOrDefault<string>() ?? "";
            string? parent = Path.GetDirectoryName(path);
            if (folder && (path.Length == 0 || File.Exists(path)))
            {
                result.AddError($"--csv needs the path of a folder to write the CSV files to; '{path}' is {(path.Length == 0 ? "empty" : "a file")}.");
            }
            else if (!folder && (path.Length == 0 || Directory.Exists(path)))
            {
                result.AddError($"--csv needs the path of a file to write, such as results.csv; '{path}' is not one.");
            }
            else if (!folder && !string.IsNullOrEmpty(parent) && !Directory.Exists(parent))
            {
                result.AddError($"--csv cannot write '{path}': the folder '{parent}' does not exist.");
            }
        });
        return option;
    }

    /// <summary><c>--plots DIR</c>: draw <paramref name="what"/> as PNG and SVG files in the folder DIR (made if missing).</summary>
    public static Option<string> PlotsOption(string what)
    {
        var option = new Option<string>("--plots")
        {
            HelpName = "DIR",
            Description = $"Draw {what} in the folder DIR (made if missing), each as a PNG and an SVG file.",
        };
        option.Validators.Add(result =>
        {
            string path = result.GetValueOrDefault<string>() ?? "";
            if (path.Length == 0 || File.Exists(path))
            {
                result.AddError($"--plots needs the path of a folder to draw the plots in; '{path}' is {(path.Length == 0 ? "empty" : "a file")}.");
            }
        });
        return option;
    }

    /// <summary><c>--fingerprint</c>: print the run's fingerprint at its end.</summary>
    public static Option<bool> FingerprintOption() => new("--fingerprint")
    {
        Description = "Print the run's fingerprint at its end: a hash of every trace event and frame. Two runs that print the same did the same things at the same times.",
    };

    /// <summary><c>--explain</c>: tell every trace event of the run in one sentence (what each device did and why).</summary>
    public static Option<bool> ExplainOption() => new("--explain")
    {
        Description = "Tell every event of the run in one sentence: what each device did and why (TraceNarrator).",
    };

    /// <summary>Starts telling <paramref name="network"/>'s run on the console when <paramref name="wanted"/>.</summary>
    public static TraceNarrator? StartNarrator(bool wanted, Network network) => wanted ? new TraceNarrator(network.Tracer, Console.Out) : null;

    /// <summary>Starts hashing <paramref name="network"/>'s run when <paramref name="wanted"/>; <see cref="Print"/> shows it at the end.</summary>
    public static Fingerprint? StartFingerprint(bool wanted, Network network) => wanted ? new Fingerprint(network.Tracer) : null;

    /// <summary>Prints a fingerprint started with <see cref="StartFingerprint"/>, if any.</summary>
    public static void Print(this Fingerprint? fingerprint)
    {
        if (fingerprint is not null)
        {
            Console.WriteLine($"fingerprint: {fingerprint}");
        }
    }

    /// <summary>
    /// Answers a command line that does not run the sample: prints the usage for <c>--help</c> (exit code 0), or one line
    /// naming the first error and then the usage on standard error (exit code 2). Returns null when the sample should run.
    /// </summary>
    public static int? PrintHelpOrError(this ParseResult options)
    {
        if (options.Errors.Count > 0)
        {
            Console.Error.WriteLine($"{typeof(SampleCommandLine).Assembly.GetName().Name}: {options.Errors[0].Message}");
            Console.Error.WriteLine();
            options.RootCommandResult.Command.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = Console.Error });
            return 2;
        }

        return options.Action is null ? null : options.Invoke(); // --help (or --version)
    }
}
