using System.Diagnostics;
using System.Text.RegularExpressions;

namespace NetSim.Mpi.Tests;

/// <summary>A test that needs Open MPI's mpirun; skipped, saying how to install it, where it is missing.</summary>
public sealed class RequiresMpirunFactAttribute : FactAttribute
{
    public RequiresMpirunFactAttribute()
    {
        if (MpiJob.Mpirun is null)
        {
            Skip = "Open MPI's mpirun is not installed (.ci/run installs it: apt-get install openmpi-bin)";
        }
    }
}

/// <summary>
/// The binding as a real job: tests/NetSim.Mpi.Probe started by mpirun on 2 and 3 ranks, each rank checking the
/// minimum and sum across ranks and 1,000 windows of buffers exchanged with every peer, byte by byte.
/// </summary>
public sealed partial class MpiJobTests
{
    [RequiresMpirunFact]
    public void Two_ranks_agree_on_the_minimum_and_sum_and_exchange_every_byte_allocating_nothing_per_window()
    {
        (int exitCode, string output) = MpiJob.Run(ranks: 2);

        exitCode.Should().Be(0, output);
        RankLines(output).Should().BeEquivalentTo(
            "rank 0 of 2: min 99, sum 3, 1000 windows, 735365 bytes received and checked, last bound 5000000000000, 0 bytes allocated in windows 300 to 999",
            "rank 1 of 2: min 99, sum 3, 1000 windows, 719840 bytes received and checked, last bound 5000000000000, 0 bytes allocated in windows 300 to 999");
    }

    [RequiresMpirunFact]
    public void Three_ranks_on_two_cores_exchange_with_every_peer()
    {
        (int exitCode, string output) = MpiJob.Run(ranks: 3);

        exitCode.Should().Be(0, output);
        RankLines(output).Should().HaveCount(3).And.OnlyContain(line => line.Contains(" of 3: min 98, sum 6, 1000 windows, ", StringComparison.Ordinal));
    }

    [RequiresMpirunFact]
    public void Run_alone_a_process_is_rank_0_of_1()
    {
        (int exitCode, string output) = MpiJob.Run(ranks: null);

        exitCode.Should().Be(0, output);
        RankLines(output).Should().Equal("rank 0 of 1: min 100, sum 1, 1000 windows, 0 bytes received and checked, last bound 5000000000000, 0 bytes allocated in windows 300 to 999");
    }

    private static string[] RankLines(string output) => [.. RankLine().Matches(output).Select(m => m.Value.TrimEnd())];

    [GeneratedRegex(@"^rank \d+ of \d+: .*$", RegexOptions.Multiline)]
    private static partial Regex RankLine();
}

/// <summary>Starts the probe under mpirun (or alone), as CI's root user can: the two variables that allow root, no terminal.</summary>
internal static class MpiJob
{
    public static readonly string? Mpirun = new[] { "/usr/bin/mpirun", "/usr/local/bin/mpirun" }.FirstOrDefault(File.Exists);

    private static string Probe => Path.Combine(AppContext.BaseDirectory.Replace("NetSim.Mpi.Tests", "NetSim.Mpi.Probe", StringComparison.Ordinal), "NetSim.Mpi.Probe.dll");

    /// <summary>samples/Distributed, built beside this project (a project reference builds it first).</summary>
    public static string DistributedSample => Path.Combine(
        AppContext.BaseDirectory.Replace(Path.Combine("tests", "NetSim.Mpi.Tests"), Path.Combine("samples", "Distributed"), StringComparison.Ordinal), "Distributed.dll");

    public static (int ExitCode, string Output) Run(int? ranks) => Run(ranks, Probe);

    public static (int ExitCode, string Output) Run(int? ranks, string program, params string[] arguments)
    {
        string dotnet = Environment.ProcessPath is string self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        var start = ranks is int n
            ? new ProcessStartInfo(Mpirun!) { ArgumentList = { "--oversubscribe", "-np", n.ToString(System.Globalization.CultureInfo.InvariantCulture), dotnet, program } }
            : new ProcessStartInfo(dotnet) { ArgumentList = { program } };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        start.Environment["TERM"] = "dumb"; // a rank's output is a pseudo-terminal: no escape codes in it
        foreach (string inherited in start.Environment.Keys.Where(k => k.StartsWith("OMPI_COMM_WORLD", StringComparison.Ordinal) || k.StartsWith("PMIX_", StringComparison.Ordinal)).ToList())
        {
            _ = start.Environment.Remove(inherited);
        }

        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "the job did not end within 120 s\n" + output.Result + error.Result);
        }

        return (process.ExitCode, output.Result + error.Result);
    }
}
