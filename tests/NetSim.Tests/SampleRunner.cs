using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace NetSim.Tests;

/// <summary>What a sample did: its exit code, and what it wrote to standard output and to standard error.</summary>
internal sealed record SampleRun(int ExitCode, string Output, string Error);

/// <summary>Runs a sample program in this process and returns what it printed. Callers belong to <see cref="ConsoleUsers"/>.</summary>
internal static class SampleRunner
{
    /// <summary>The samples that take <c>--pcap PATH</c>: every one but HelloSimulation.</summary>
    public static readonly string[] NetworkSamples = ["TwoComputers", "HubNetwork", "HubCongestion", "SwitchNetwork", "RouterNetwork", "Traceroute", "FileTransfer", "WebVisit", "Dumbbell"];

    /// <summary>Every sample under samples/ (Bufferbloat captures nothing: it makes three runs and the queue is the lesson, not the frames).</summary>
    public static readonly string[] AllSamples = ["HelloSimulation", .. NetworkSamples, "Bufferbloat"];

    /// <summary>Runs a sample that is expected to succeed: exit code 0, nothing on standard error. Returns its standard output.</summary>
    public static string Run(string sample, params string[] args)
    {
        SampleRun run = Execute(sample, args);
        run.ExitCode.Should().Be(0, $"{sample} should succeed; it wrote to standard error: {run.Error}");
        run.Error.Should().BeEmpty();
        return run.Output;
    }

    /// <summary>Runs a sample under <paramref name="culture"/> (as <see cref="CultureInfo.CurrentCulture"/>) and expects it to succeed.</summary>
    public static string RunUnder(CultureInfo culture, string sample, params string[] args)
    {
        CultureInfo original = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = culture;
            return Run(sample, args);
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }
    }

    /// <summary>
    /// Runs a sample's entry point with <paramref name="args"/> and returns its exit code (0 for a <c>void</c> entry point)
    /// and what it printed. An exception the sample does not catch is thrown here, as it would end the real process.
    /// </summary>
    public static SampleRun Execute(string sample, params string[] args)
    {
        MethodInfo main = Assembly.Load(sample).EntryPoint!;
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        TextWriter originalOut = Console.Out;
        TextWriter originalError = Console.Error;
        object? result;
        try
        {
            Console.SetOut(output);
            Console.SetError(error);
            result = main.Invoke(null, BindingFlags.DoNotWrapExceptions, null, main.GetParameters().Length == 0 ? null : [args], null);
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }

        return new SampleRun(result is int exitCode ? exitCode : 0, output.ToString(), error.ToString());
    }

    /// <summary>Runs a sample as its own process (<c>dotnet Sample.dll args</c>), as a shell would, and returns what the shell sees.</summary>
    public static SampleRun ExecuteProcess(string sample, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, sample + ".dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new SampleRun(process.ExitCode, output, error.Result);
    }
}
