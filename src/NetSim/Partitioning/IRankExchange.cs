namespace NetSim.Partitioning;

/// <summary>
/// The processes of a distributed run, as a <see cref="ParallelSimulation"/> needs them: which
/// one this is, and the three collective calls of a window (the earliest next event across
/// processes, a sum, and the frames that cross between them). NetSim.Mpi's <c>MpiWorld</c>
/// implements it over MPI; every process calls each member in the same order.
/// </summary>
public interface IRankExchange
{
    /// <summary>This process's rank, from 0.</summary>
    int Rank { get; }

    /// <summary>How many processes the run has.</summary>
    int Size { get; }

    /// <summary>The smallest of the values every process gives; every process gets it.</summary>
    long MinAcrossRanks(long value);

    /// <summary>The sum of the values every process gives; every process gets it.</summary>
    long SumAcrossRanks(long value);

    /// <summary>
    /// Sends each process its buffer and receives one from each (a process sends itself nothing).
    /// </summary>
    /// <param name="outgoing">For each rank, the bytes to send it; <see cref="Size"/> buffers.</param>
    /// <param name="incoming">For each rank, where its bytes go, grown when too small; <see cref="Size"/> buffers.</param>
    /// <returns>For each rank, how many bytes came from it.</returns>
    IReadOnlyList<int> ExchangeWithAll(IReadOnlyList<ArraySegment<byte>> outgoing, byte[][] incoming);
}
