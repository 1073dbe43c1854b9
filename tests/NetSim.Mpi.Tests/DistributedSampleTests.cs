namespace NetSim.Mpi.Tests;

/// <summary>
/// samples/Distributed run three ways, as CI runs it: sequentially, on two threads, and as a
/// two-rank MPI job (each rank building and running only its own partitions). The results,
/// down to a digest of every partition's trace fingerprint, are the same.
/// </summary>
public sealed class DistributedSampleTests
{
    private static readonly string[] Small = ["--sites", "6", "--hosts", "6", "--seconds", "0.4", "--fingerprint"];

    [RequiresMpirunFact]
    public void A_two_rank_MPI_run_prints_the_results_of_the_sequential_run()
    {
        (int sequentialExit, string sequential) = MpiJob.Run(null, MpiJob.DistributedSample, Small);
        (int mpiExit, string mpi) = MpiJob.Run(2, MpiJob.DistributedSample, [.. Small, "--mpi"]);

        sequentialExit.Should().Be(0, sequential);
        mpiExit.Should().Be(0, mpi);
        sequential.Should().Contain("run sequentially, on 1 thread");
        mpi.Should().Contain("run 2 MPI ranks");
        Results(mpi).Should().Equal(Results(sequential));
        Results(sequential).Should().Contain(line => line.StartsWith("TCP h0-0 -> site 3: 1,000,000 bytes, done at", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_threads_print_the_results_of_the_sequential_run()
    {
        (int sequentialExit, string sequential) = MpiJob.Run(null, MpiJob.DistributedSample, Small);
        (int threadsExit, string threads) = MpiJob.Run(null, MpiJob.DistributedSample, [.. Small, "--threads", "2"]);

        sequentialExit.Should().Be(0, sequential);
        threadsExit.Should().Be(0, threads);
        threads.Should().Contain("run on 2 threads");
        Results(threads).Should().Equal(Results(sequential));
        Results(sequential).Should().Contain(line => line.StartsWith("run digest: ", StringComparison.Ordinal) && line.EndsWith("(with fingerprints)", StringComparison.Ordinal));
    }

    // The lines that must be equal: all but the first (how it ran) and the wall-clock times.
    private static string[] Results(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("datagrams:", StringComparison.Ordinal) || line.StartsWith("TCP ", StringComparison.Ordinal)
                || line.StartsWith("frames across", StringComparison.Ordinal) || line.StartsWith("run digest:", StringComparison.Ordinal)
                || line.StartsWith("events:", StringComparison.Ordinal))
            .Select(line => line.StartsWith("events:", StringComparison.Ordinal) ? line[..line.IndexOf(';', StringComparison.Ordinal)] : line)];
}
