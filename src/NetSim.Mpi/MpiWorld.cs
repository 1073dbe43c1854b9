using System.Globalization;
using System.Text;
using NetSim.Partitioning;

namespace NetSim.Mpi;

/// <summary>
/// This process's place in an MPI job (MPI_COMM_WORLD) and the few collective calls a partitioned simulation's
/// synchronisation needs: a barrier, the minimum or sum of a number across ranks (the next window's bound), and
/// buffers exchanged with every other rank (the frames that cross the cut). Started by <c>mpirun -np N dotnet app.dll</c>;
/// run alone, a process is rank 0 of 1.
/// </summary>
/// <remarks>
/// <para>
/// The binding is Open MPI's (libmpi.so.40). MPI.NET's package (1.4.0) was tried first: it is built for Microsoft MPI
/// on Windows, with 32-bit integer handles, and crashes against Open MPI, whose handles are addresses.
/// </para>
/// <para>
/// MPI is initialised for one thread (MPI_THREAD_FUNNELED): make every call from the thread that called
/// <see cref="Initialize"/>. MPI can be initialised once per process; <see cref="Dispose"/> finalises it.
/// </para>
/// </remarks>
public sealed unsafe class MpiWorld : IRankExchange, IDisposable
{
    private static int initialized; // MPI allows one initialisation per process
    private readonly OpenMpi.Handles handles;
    private readonly int[] sendCounts;
    private readonly int[] receiveCounts;
    private readonly nint[] requests;
    private readonly System.Buffers.MemoryHandle[] pins; // the buffers pinned while their transfer is under way
    private bool disposed;

    private MpiWorld(OpenMpi.Handles handles, int rank, int size)
    {
        this.handles = handles;
        Rank = rank;
        Size = size;
        sendCounts = new int[size];
        receiveCounts = new int[size];
        requests = new nint[2 * size];
        pins = new System.Buffers.MemoryHandle[2 * size];
    }

    /// <summary>This process's rank, from 0.</summary>
    public int Rank { get; }

    /// <summary>How many ranks the job has.</summary>
    public int Size { get; }

    /// <summary>
    /// Loads Open MPI and initialises it (MPI_Init_thread, funneled).
    /// </summary>
    /// <returns>This process's place in the job.</returns>
    /// <exception cref="DllNotFoundException">Open MPI is not installed; the message says how to install it.</exception>
    /// <exception cref="InvalidOperationException">MPI was already initialised in this process, or a call failed.</exception>
    public static MpiWorld Initialize()
    {
        if (Interlocked.Exchange(ref initialized, 1) != 0)
        {
            throw new InvalidOperationException("MPI is already initialised in this process: it can be once (keep the MpiWorld and pass it on).");
        }

        OpenMpi.Handles handles = OpenMpi.Load();
        int provided, rank, size;
        Check(OpenMpi.MPI_Init_thread(null, null, OpenMpi.ThreadFunneled, &provided), "MPI_Init_thread");
        Check(OpenMpi.MPI_Comm_rank(handles.CommWorld, &rank), "MPI_Comm_rank");
        Check(OpenMpi.MPI_Comm_size(handles.CommWorld, &size), "MPI_Comm_size");
        return new MpiWorld(handles, rank, size);
    }

    /// <summary>The MPI library's own description of itself, such as "Open MPI v4.1.4, ...".</summary>
    public string LibraryVersion
    {
        get
        {
            byte* text = stackalloc byte[8192]; // MPI_MAX_LIBRARY_VERSION_STRING is 256 in Open MPI 4
            int length;
            Check(OpenMpi.MPI_Get_library_version(text, &length), "MPI_Get_library_version");
            return Encoding.ASCII.GetString(text, length).TrimEnd('\0', '\n');
        }
    }

    /// <summary>Waits until every rank has called it (MPI_Barrier).</summary>
    public void Barrier()
    {
        ThrowIfDisposed();
        Check(OpenMpi.MPI_Barrier(handles.CommWorld), "MPI_Barrier");
    }

    /// <summary>The smallest of the values every rank gives (MPI_Allreduce with MPI_MIN): every rank gets it.</summary>
    /// <param name="value">This rank's value.</param>
    /// <returns>The minimum over all ranks.</returns>
    public long MinAcrossRanks(long value) => Reduce(value, handles.Min);

    /// <summary>The sum of the values every rank gives (MPI_Allreduce with MPI_SUM): every rank gets it.</summary>
    /// <param name="value">This rank's value.</param>
    /// <returns>The sum over all ranks.</returns>
    public long SumAcrossRanks(long value) => Reduce(value, handles.Sum);

    /// <summary>
    /// Sends each rank its buffer and receives one from each (an all-to-all exchange): the counts first
    /// (MPI_Alltoall), then the bytes (MPI_Isend and MPI_Irecv, MPI_Waitall). A rank sends itself nothing.
    /// </summary>
    /// <param name="outgoing">For each rank, the bytes to send it (this rank's own is ignored); <see cref="Size"/> buffers.</param>
    /// <param name="incoming">For each rank, where its bytes go, grown when too small; <see cref="Size"/> buffers.</param>
    /// <returns>For each rank, how many bytes came from it (the array is reused by the next call).</returns>
    /// <exception cref="ArgumentException">Not one buffer per rank.</exception>
    public IReadOnlyList<int> ExchangeWithAll(IReadOnlyList<ArraySegment<byte>> outgoing, byte[][] incoming)
    {
        ArgumentNullException.ThrowIfNull(outgoing);
        ArgumentNullException.ThrowIfNull(incoming);
        ThrowIfDisposed();
        if (outgoing.Count != Size || incoming.Length != Size)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"An exchange needs one buffer per rank ({Size}), not {outgoing.Count} to send and {incoming.Length} to receive into."));
        }

        for (int peer = 0; peer < Size; peer++)
        {
            sendCounts[peer] = peer == Rank ? 0 : outgoing[peer].Count;
        }

        fixed (int* send = sendCounts, receive = receiveCounts)
        {
            Check(OpenMpi.MPI_Alltoall(send, 1, handles.Int, receive, 1, handles.Int, handles.CommWorld), "MPI_Alltoall");
        }

        int pending = 0, pinned = 0; // requests made; buffers pinned (one more than the requests while a call is made)
        try
        {
            for (int peer = 0; peer < Size; peer++)
            {
                if (peer == Rank)
                {
                    continue;
                }

                if (incoming[peer] is null || incoming[peer].Length < receiveCounts[peer])
                {
                    incoming[peer] = new byte[Math.Max(receiveCounts[peer], 2 * (incoming[peer]?.Length ?? 0))];
                }

                if (receiveCounts[peer] > 0)
                {
                    pins[pinned++] = incoming[peer].AsMemory().Pin();
                    nint request;
                    Check(OpenMpi.MPI_Irecv(pins[pinned - 1].Pointer, receiveCounts[peer], handles.Byte, peer, 0, handles.CommWorld, &request), "MPI_Irecv");
                    requests[pending++] = request;
                }

                if (sendCounts[peer] > 0)
                {
                    pins[pinned++] = outgoing[peer].AsMemory().Pin();
                    nint request;
                    Check(OpenMpi.MPI_Isend(pins[pinned - 1].Pointer, sendCounts[peer], handles.Byte, peer, 0, handles.CommWorld, &request), "MPI_Isend");
                    requests[pending++] = request;
                }
            }

            fixed (nint* waiting = requests)
            {
                Check(OpenMpi.MPI_Waitall(pending, waiting, null), "MPI_Waitall");
            }
        }
        finally
        {
            for (int i = 0; i < pinned; i++)
            {
                pins[i].Dispose();
            }
        }

        receiveCounts[Rank] = 0;
        return receiveCounts;
    }

    /// <summary>Finalises MPI (MPI_Finalize); every rank must call it.</summary>
    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            Check(OpenMpi.MPI_Finalize(), "MPI_Finalize");
        }
    }

    private long Reduce(long value, nint op)
    {
        ThrowIfDisposed();
        long result;
        Check(OpenMpi.MPI_Allreduce(&value, &result, 1, handles.Int64, op, handles.CommWorld), "MPI_Allreduce");
        return result;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);

    private static void Check(int code, string call)
    {
        if (code != OpenMpi.Success)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{call} failed with MPI error {code}."));
        }
    }
}
