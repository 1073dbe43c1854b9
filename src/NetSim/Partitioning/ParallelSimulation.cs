using System.Buffers.Binary;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Tracing;

namespace NetSim.Partitioning;

/// <summary>
/// One simulation cut into partitions that run side by side: on several threads of this
/// process, or in several processes (MPI ranks, see <see cref="IRankExchange"/>). Each partition
/// is a <see cref="Network"/> of its own, with its own <see cref="Simulation"/> (event queue
/// and clock), frame pool and tracer; cables between partitions (<see cref="Connect"/>) carry
/// frames as messages, and the smallest of their propagation delays is the lookahead.
/// </summary>
/// <remarks>
/// <para>
/// <b>Conservative synchronisation in windows</b> (the scheme of ns-3's
/// <c>DistributedSimulatorImpl</c>, no rollback). At the start of a window, the frames sent across
/// cuts in the last one are put into their partitions' queues; the window then runs from the
/// earliest next event of any partition, <c>t</c>, to just before <c>t + lookahead</c>. No frame
/// sent in a window can arrive inside it: it crosses a cut cable, which takes at least the
/// lookahead. Each partition runs its window alone, with no lock; the partitions meet only at
/// the window's end (a barrier on threads, three collective calls over MPI).
/// </para>
/// <para>
/// <b>Determinism.</b> A partition's events depend only on its own queue and on the frames
/// delivered to it at window starts, which enter its queue in one fixed order (by arrival time,
/// cut direction, then the order they were sent on it). Window bounds depend only on the
/// earliest event of all partitions. So a run gives the same events, in the same order, at the
/// same times, byte for byte, on 1 thread or many, in one process or many: the threads and
/// ranks change nothing but the speed. Random streams are per component, as in a
/// <see cref="Simulation"/>, and every partition's simulation has the same <see cref="Seed"/>.
/// Compared with the same model built in one <see cref="Simulation"/> (no partitions), the one
/// difference is the order of two events of one device at the same picosecond when one is a
/// frame arriving over a cut cable: here it runs after the events the device had already
/// scheduled for that instant before the window began, there in the order it was sent.
/// </para>
/// <para>
/// <b>Building.</b> Build each partition in its <see cref="GetNetwork"/> (with its
/// <see cref="GetTopology"/> builder) as a network of its own, then join partitions with
/// <see cref="Connect"/>. In a distributed run a process holds only its own partitions
/// (<see cref="IsLocal"/>): build those, and make every cut in every process, in the same order.
/// Each partition assigns MAC addresses in a range of its own (02:pp:pp:00:00:01 on, pp:pp its
/// number), so a device has the same address whichever process builds it.
/// </para>
/// </remarks>
public sealed class ParallelSimulation
{
    private const ulong FirstMac = 0x02_00_00_00_00_01;
    private const int MessageHeaderLength = 27; // destination, time, direction, sequence, corrupted, length

    private readonly IRankExchange? ranks;
    private readonly Network?[] networks;
    private readonly TopologyBuilder?[] topologies;
    private readonly Dictionary<(int Source, int Destination), PartitionMailbox> mailboxes = []; // from this process's partitions
    private readonly List<PartitionMailbox>?[] incoming; // per partition of this process: the mailboxes from its partitions to it
    private readonly List<PartitionMailbox> toOtherRanks = []; // mailboxes to partitions of other processes
    private readonly MessageBuffer?[] fromOtherRanks; // per partition of this process: what other processes sent it
    private readonly PartitionTraceLog?[] traceLogs;
    private readonly List<PartitionTraceLog> logs = []; // of the local partitions, in order
    private readonly int[] localPartitions;
    private readonly List<PartitionCut> cuts = [];
    private readonly List<CableDirection?> arrivalDirections = []; // per cut direction: where its frames arrive in this process (null: elsewhere)
    private Delivery[] deliveries = new Delivery[64]; // the one thread's scratch (each worker thread has its own)
    private readonly byte[][] incomingBytes;
    private readonly byte[][] outgoingBuffers;
    private readonly int[] outgoingLengths;
    private readonly ArraySegment<byte>[] outgoing;
    private SimDuration lookahead = SimDuration.MaxValue;

    // The state of a run, between its windows.
    private SimTime? runLimit;
    private SimTime windowEnd;
    private bool stop; // the run ends after this window (a partition stopped or failed); written by any thread during a window, read between windows
    private bool planned; // the window planned between windows: read by every thread after the barrier, written only between windows
    private bool finishing; // the window planned is the run's last
    private bool windowPlanned; // a window was planned in this call (so the clocks reached its end)
    private ExceptionDispatchInfo? failure;
    private int failedPartition = int.MaxValue;
    private readonly Lock failureLock = new();

    /// <summary>Creates a run of <paramref name="partitions"/> empty partitions, all in this process unless <paramref name="ranks"/> spreads them over processes.</summary>
    /// <param name="partitions">How many partitions (1 to 65,536).</param>
    /// <param name="seed">The seed of every partition's simulation.</param>
    /// <param name="loggerFactory">Where log messages go; none are written when null.</param>
    /// <param name="ranks">The processes of a distributed run (MPI); null runs every partition in this process. Partition <c>p</c> runs in rank <c>p % Size</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitions"/> is below 1 or above 65,536.</exception>
    public ParallelSimulation(int partitions, ulong seed = 0, ILoggerFactory? loggerFactory = null, IRankExchange? ranks = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partitions, 1 << 16); // the partition number is two bytes of its MAC addresses
        PartitionCount = partitions;
        Seed = seed;
        this.ranks = ranks is { Size: > 1 } ? ranks : null;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        networks = new Network?[partitions];
        topologies = new TopologyBuilder?[partitions];
        incoming = new List<PartitionMailbox>?[partitions];
        fromOtherRanks = new MessageBuffer?[partitions];
        traceLogs = new PartitionTraceLog?[partitions];
        var local = new List<int>();
        for (int partition = 0; partition < partitions; partition++)
        {
            if (!IsLocal(partition))
            {
                continue;
            }

            local.Add(partition);
            var simulation = new Simulation(seed, LoggerFactory);
            networks[partition] = new Network(simulation, FirstMac + ((ulong)partition << 24));
            topologies[partition] = new TopologyBuilder(networks[partition]!);
            incoming[partition] = [];
            traceLogs[partition] = new PartitionTraceLog();
            logs.Add(traceLogs[partition]!);
        }

        localPartitions = [.. local];
        int rankCount = RankCount;
        incomingBytes = new byte[rankCount][];
        outgoingBuffers = new byte[rankCount][];
        outgoingLengths = new int[rankCount];
        outgoing = new ArraySegment<byte>[rankCount];
        for (int rank = 0; rank < rankCount; rank++)
        {
            incomingBytes[rank] = [];
            outgoingBuffers[rank] = rank == Rank ? [] : new byte[4096];
        }

        Tracer = new Tracer(new Simulation(seed, LoggerFactory));
    }

    /// <summary>How many partitions the model has.</summary>
    public int PartitionCount { get; }

    /// <summary>The seed of every partition's simulation.</summary>
    public ulong Seed { get; }

    /// <summary>The logger factory every partition's simulation logs through.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>This process's rank in a distributed run; 0 otherwise.</summary>
    public int Rank => ranks?.Rank ?? 0;

    /// <summary>How many processes run the partitions; 1 unless distributed.</summary>
    public int RankCount => ranks?.Size ?? 1;

    /// <summary>The partitions this process runs, in order.</summary>
    public IReadOnlyList<int> LocalPartitions => localPartitions;

    /// <summary>The cables between partitions, in the order made.</summary>
    public IReadOnlyList<PartitionCut> Cuts => cuts;

    /// <summary>
    /// How far one partition may run ahead of the others: the smallest propagation delay of
    /// the <see cref="Cuts"/>; <see cref="SimDuration.MaxValue"/> while there is no cut.
    /// </summary>
    public SimDuration Lookahead => lookahead;

    /// <summary>
    /// The trace events of this process's partitions, merged into one stream at the end of each
    /// window, in the order of their time, then of their partition: subscribe a
    /// <see cref="FlowMonitor"/>, <see cref="Fingerprint"/> or <see cref="TraceRecorder"/> here to
    /// see the whole run. While nobody listens, the partitions trace nothing for it.
    /// </summary>
    public Tracer Tracer { get; }

    /// <summary>The simulated time every partition has reached.</summary>
    public SimTime Now { get; private set; }

    /// <summary>How many windows the runs so far took.</summary>
    public long Windows { get; private set; }

    /// <summary>How many frames crossed a cut, sent by this process's partitions.</summary>
    public long FramesAcross { get; private set; }

    /// <summary>How many events this process's partitions have run.</summary>
    public long EventsExecuted
    {
        get
        {
            long sum = 0;
            foreach (int partition in localPartitions)
            {
                sum += networks[partition]!.Simulation.EventsExecuted;
            }

            return sum;
        }
    }

    /// <summary>Bytes the mailboxes of this process's partitions hold on to (for tests of their bounds).</summary>
    internal long MailboxCapacity => mailboxes.Values.Sum(m => m.Buffer(0).Capacity + m.Buffer(1).Capacity);

    /// <summary>True when partition <paramref name="partition"/> runs in this process.</summary>
    public bool IsLocal(int partition) => RankOf(partition) == Rank;

    /// <summary>The rank that runs partition <paramref name="partition"/>: <c>partition % RankCount</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such partition.</exception>
    public int RankOf(int partition)
    {
        CheckPartition(partition, nameof(partition));
        return partition % RankCount;
    }

    /// <summary>The network of partition <paramref name="partition"/>: build its devices here; its <see cref="Network.Simulation"/> is the partition's own.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such partition.</exception>
    /// <exception cref="InvalidOperationException">The partition runs in another process.</exception>
    public Network GetNetwork(int partition)
    {
        CheckPartition(partition, nameof(partition));
        return networks[partition] ?? throw new InvalidOperationException(
            $"Partition {partition} runs in rank {RankOf(partition)}, not in this process (rank {Rank}): build only the partitions for which IsLocal is true.");
    }

    /// <summary>The topology builder of partition <paramref name="partition"/>'s network (one per partition, so that <see cref="Connect"/> and your own connections share its numbering of new NICs).</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such partition.</exception>
    /// <exception cref="InvalidOperationException">The partition runs in another process.</exception>
    public TopologyBuilder GetTopology(int partition)
    {
        _ = GetNetwork(partition);
        return topologies[partition]!;
    }

    /// <summary>
    /// Joins <paramref name="endA"/> in partition <paramref name="partitionA"/> and
    /// <paramref name="endB"/> in partition <paramref name="partitionB"/> with a full-duplex
    /// cable of <paramref name="rate"/> and <paramref name="delay"/>. An end is a device's name
    /// ("r3": its next free port, as <see cref="TopologyBuilder.Connect"/> finds it, a new NIC
    /// for a router whose interfaces all have cables) or an interface's ("r3/eth1"). Only the
    /// ends in this process are looked up; every process makes every cut, in the same order.
    /// </summary>
    /// <returns>The cut, with the ports of the ends in this process.</returns>
    /// <exception cref="ArgumentException">
    /// Both ends are in one partition; an end names no device or interface of its partition,
    /// or one with no free port, or a hub's port (a collision domain cannot span partitions);
    /// the delay is zero (a cut's delay is the lookahead, and a window would be empty).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A partition does not exist, the rate is zero or the delay negative.</exception>
    /// <exception cref="InvalidOperationException">Called while running.</exception>
    public PartitionCut Connect(int partitionA, string endA, int partitionB, string endB, DataRate rate, SimDuration delay)
    {
        CheckPartition(partitionA, nameof(partitionA));
        CheckPartition(partitionB, nameof(partitionB));
        ArgumentException.ThrowIfNullOrWhiteSpace(endA);
        ArgumentException.ThrowIfNullOrWhiteSpace(endB);
        if (IsRunning)
        {
            throw new InvalidOperationException("Cuts are made before the run.");
        }

        if (partitionA == partitionB)
        {
            throw new ArgumentException($"{endA} and {endB} are both in partition {partitionA}: join them with that partition's TopologyBuilder (GetTopology({partitionA}).Connect).", nameof(partitionB));
        }

        if (rate.BitsPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"The cable between {endA} (partition {partitionA}) and {endB} (partition {partitionB}) needs a data rate above zero, not {rate}.");
        }

        if (delay < SimDuration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, $"The cable between {endA} (partition {partitionA}) and {endB} (partition {partitionB}) cannot have a negative delay ({delay}).");
        }

        var cut = new PartitionCut(cuts.Count, partitionA, endA, partitionB, endB, rate, delay);
        if (delay == SimDuration.Zero)
        {
            throw new ArgumentException(
                $"The {cut} joins two partitions with a propagation delay of 0: a cut cable's delay is how far one partition may run ahead of the other (the lookahead), and with 0 no window could run. Give it a delay above zero, or put both ends in one partition.",
                nameof(delay));
        }

        // Both local ends are found before anything is made, so a refused cut leaves nothing behind.
        CableEnd? a = IsLocal(partitionA) ? FindEnd(partitionA, endA, nameof(endA)) : (CableEnd?)null;
        CableEnd? b = IsLocal(partitionB) ? FindEnd(partitionB, endB, nameof(endB)) : (CableEnd?)null;
        int directionAtoB = 2 * cut.Id;
        int directionBtoA = directionAtoB + 1;
        arrivalDirections.Add(null);
        arrivalDirections.Add(null);
        if (a is { } localA)
        {
            cut.PortA = MakeHalf(partitionA, localA, endA, partitionB, endB, rate, delay, directionAtoB, directionBtoA);
        }

        if (b is { } localB)
        {
            cut.PortB = MakeHalf(partitionB, localB, endB, partitionA, endA, rate, delay, directionBtoA, directionAtoB);
        }

        cuts.Add(cut);
        if (delay < lookahead)
        {
            lookahead = delay;
        }

        return cut;
    }

    /// <summary>True while <see cref="Run"/> or <see cref="RunUntil"/> is running.</summary>
    public bool IsRunning { get; private set; }

    /// <summary>
    /// Runs until no partition has events left but background ones and no frame is crossing a
    /// cut, on <paramref name="threads"/> threads (the partitions of this process are dealt out
    /// to them in turn). The result is the same for any number of threads.
    /// </summary>
    /// <param name="threads">How many threads run this process's partitions (1 to the number of its partitions); 1 in a distributed run.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is below 1, above the number of local partitions, or above 1 in a distributed run (MPI is called from one thread).</exception>
    /// <exception cref="InvalidOperationException">Already running.</exception>
    public void Run(int threads = 1) => RunCore(null, threads);

    /// <summary>
    /// Runs every event at or before <paramref name="limit"/> in every partition, on
    /// <paramref name="threads"/> threads; then every partition's clock is at <paramref name="limit"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is before <see cref="Now"/>, or <paramref name="threads"/> is out of range (see <see cref="Run"/>).</exception>
    /// <exception cref="InvalidOperationException">Already running.</exception>
    public void RunUntil(SimTime limit, int threads = 1)
    {
        if (limit < Now)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"Cannot run until {limit}: the run is already at {Now}.");
        }

        RunCore(limit, threads);
    }

    /// <summary>Runs for <paramref name="duration"/> of simulated time: <c>RunUntil(Now + duration, threads)</c>.</summary>
    public void RunFor(SimDuration duration, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, SimDuration.Zero);
        RunUntil(Now + duration, threads);
    }

    /// <summary>
    /// Which of each mailbox's two buffers the running window writes (0 or 1); the other holds
    /// what the window before wrote, read at this window's start. Flipped between windows.
    /// </summary>
    internal int WritingParity { get; private set; }

    private void CheckPartition(int partition, string parameter)
    {
        if ((uint)partition >= (uint)PartitionCount)
        {
            throw new ArgumentOutOfRangeException(parameter, partition, $"There is no partition {partition}: the run has partitions 0 to {PartitionCount - 1}.");
        }
    }

    private CableEnd FindEnd(int partition, string end, string parameter)
    {
        Network network = networks[partition]!;
        int slash = end.IndexOf('/', StringComparison.Ordinal);
        string deviceName = slash < 0 ? end : end[..slash];
        IDeviceTables? device = null;
        foreach (IDeviceTables candidate in network.Devices)
        {
            if (candidate.Name == deviceName)
            {
                device = candidate;
                break;
            }
        }

        CableEnd found;
        switch (device)
        {
            case null:
                throw new ArgumentException($"Partition {partition} has no device named '{deviceName}'.", parameter);
            case Hub:
                throw new ArgumentException($"{end} is a hub in partition {partition}: a hub's collision domain cannot span partitions; cut at a switch or router instead.", parameter);
            case IpNode node when slash >= 0:
                IpInterface? named = node.Interfaces.FirstOrDefault(i => i.Name == end);
                found = named ?? throw new ArgumentException($"{deviceName} in partition {partition} has no interface named '{end}' (it has {string.Join(", ", node.Interfaces.Select(i => i.Name))}).", parameter);
                break;
            case IpNode node:
                found = node;
                break;
            case Switch device1 when slash < 0:
                found = device1;
                break;
            default:
                throw new ArgumentException($"'{end}' in partition {partition}: name a host, router or switch, or a host's or router's interface (\"r1/eth0\").", parameter);
        }

        // Refused here, before either half is made: a full switch, an interface with a cable.
        if (device is Switch full && full.Ports.All(port => port.Cable is not null))
        {
            throw new ArgumentException($"{full.Name} in partition {partition} has {full.Ports.Count} ports, all connected: give it more when you create it.", parameter);
        }

        if (found.Device is IpInterface { Link: Nic { Port.Cable: { } taken } } connected)
        {
            throw new ArgumentException($"{connected.Name} in partition {partition} is already connected ({taken}).", parameter);
        }

        return found;
    }

    // The half of a cut in one partition: a cable from the local end to a stand-in for the far
    // end. Frames the local end sends leave through the partition's outbox; frames from the far
    // partition arrive through the stand-in's direction.
    private Port MakeHalf(int partition, CableEnd end, string endName, int farPartition, string farEnd, DataRate rate, SimDuration delay, int sending, int receiving)
    {
        Network network = networks[partition]!;
        Port port = topologies[partition]!.TakePort(end, nameof(end));
        if (port.Cable is not null)
        {
            throw new ArgumentException($"{port} ({endName}) is already connected ({port.Cable}).", nameof(end));
        }

        var standIn = new Port(network, new PartitionStandIn(), $"{farEnd} in partition {farPartition}", 0);
        var cable = new Cable(port, standIn, rate, delay) { JoinsPartitions = true };
        cable.FromA.SendAcross(MailboxFor(partition, farPartition), sending);
        arrivalDirections[receiving] = cable.FromB;
        if (!IsLocal(farPartition))
        {
            fromOtherRanks[partition] ??= new MessageBuffer();
        }

        return port;
    }

    private PartitionMailbox MailboxFor(int source, int destination)
    {
        if (!mailboxes.TryGetValue((source, destination), out PartitionMailbox? mailbox))
        {
            mailbox = new PartitionMailbox(this, source, destination);
            mailboxes.Add((source, destination), mailbox);
            if (IsLocal(destination))
            {
                incoming[destination]!.Add(mailbox);
            }
            else
            {
                toOtherRanks.Add(mailbox);
            }
        }

        return mailbox;
    }

    private void RunCore(SimTime? limit, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (ranks is not null && threads > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "A distributed run calls MPI from one thread: run each rank's partitions on 1 thread (start more ranks instead).");
        }

        if (threads > Math.Max(1, localPartitions.Length))
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"This process runs {localPartitions.Length} partitions: at most that many threads can share them.");
        }

        if (IsRunning)
        {
            throw new InvalidOperationException("The parallel simulation is already running.");
        }

        IsRunning = true;
        stop = false;
        failure = null;
        failedPartition = int.MaxValue;
        finishing = false;
        windowPlanned = false;
        runLimit = limit;
        try
        {
            if (threads == 1)
            {
                while (PlanWindow())
                {
                    RunWindow(localPartitions, ref deliveries);
                }
            }
            else
            {
                RunOnThreads(threads);
            }
        }
        finally
        {
            IsRunning = false;
        }

        failure?.Throw();
    }

    private void RunOnThreads(int threads)
    {
        // Partitions are dealt out in turn; each thread always runs the same ones, so each partition's simulation stays on one thread.
        var mine = new int[threads][];
        for (int t = 0; t < threads; t++)
        {
            mine[t] = [.. localPartitions.Where((_, i) => i % threads == t)];
        }

        using var barrier = new Barrier(threads, _ =>
        {
            try
            {
                planned = PlanWindow();
            }
            catch (Exception exception)
            {
                Fail(int.MinValue, exception);
                planned = false;
            }
        });
        var workers = new Thread[threads - 1];
        for (int t = 1; t < threads; t++)
        {
            int[] partitions = mine[t];
            workers[t - 1] = new Thread(() => Work(barrier, partitions)) { IsBackground = true, Name = $"NetSim partitions {string.Join(",", partitions)}" };
            workers[t - 1].Start();
        }

        Work(barrier, mine[0]);
        foreach (Thread worker in workers)
        {
            worker.Join();
        }
    }

    private void Work(Barrier barrier, int[] partitions)
    {
        Delivery[] scratch = new Delivery[64];
        while (true)
        {
            barrier.SignalAndWait(); // the last to arrive plans the next window
            if (!planned)
            {
                return;
            }

            RunWindow(partitions, ref scratch);
        }
    }

    // Runs one window in each of `partitions`, one after the other: they cannot affect each other inside a window.
    // First, the frames sent to it in the window before enter its queue.
    private void RunWindow(int[] partitions, ref Delivery[] scratch)
    {
        foreach (int partition in partitions)
        {
            Simulation simulation = networks[partition]!.Simulation;
            try
            {
                DeliverTo(partition, ref scratch);
                simulation.RunUntil(windowEnd);
                if (simulation.WasStopped)
                {
                    stop = true; // Stop was called in this partition: the run ends with this window
                }
            }
            catch (Exception exception)
            {
                Fail(partition, exception);
            }
        }
    }

    private void Fail(int partition, Exception exception)
    {
        lock (failureLock)
        {
            if (partition < failedPartition) // the lowest partition's failure, whatever the threads' timing
            {
                failedPartition = partition;
                failure = ExceptionDispatchInfo.Capture(exception);
            }

            stop = true;
        }
    }

    // Between windows, on one thread: the trace of the window that ended, the frames that
    // crossed, then the next window's end. False when the run is over.
    private bool PlanWindow()
    {
        if (windowPlanned)
        {
            Now = windowEnd; // every partition ran to the end of the window
        }

        MergeTrace();

        // The buffers the window wrote are now read; the ones it read are written next, emptied.
        int readable = WritingParity;
        WritingParity ^= 1;
        foreach (PartitionMailbox mailbox in mailboxes.Values)
        {
            mailbox.Buffer(WritingParity).Clear();
            FramesAcross += mailbox.Buffer(readable).Count;
        }

        bool ended = stop || failure is not null || finishing;
        if (ranks is not null)
        {
            ExchangeWithRanks(readable);
            if (ranks.SumAcrossRanks(ended ? 1 : 0) != 0)
            {
                ended = true; // a process stopped or failed: every process ends here
            }
        }

        if (ended)
        {
            // The frames on their way go into their queues now, for a later run to find.
            foreach (int partition in localPartitions)
            {
                DeliverTo(partition, ref deliveries);
            }

            return false;
        }

        // The next window starts at the earliest event of any partition, frames on their way included.
        long next = long.MaxValue;
        long foreground = 0;
        foreach (int partition in localPartitions)
        {
            Simulation simulation = networks[partition]!.Simulation;
            if (simulation.NextEventTime is { } time && time.Picoseconds < next)
            {
                next = time.Picoseconds;
            }

            foreground += simulation.PendingEvents - simulation.PendingBackgroundEvents;
            foreach (PartitionMailbox mailbox in incoming[partition]!)
            {
                MessageBuffer buffer = mailbox.Buffer(readable);
                next = Math.Min(next, buffer.EarliestTime);
                foreground += buffer.Count;
            }

            if (fromOtherRanks[partition] is { } remote)
            {
                next = Math.Min(next, remote.EarliestTime);
                foreground += remote.Count;
            }
        }

        if (ranks is not null)
        {
            next = ranks.MinAcrossRanks(next);
            foreground = ranks.SumAcrossRanks(foreground);
        }

        if (runLimit is not { } limit)
        {
            if (foreground == 0)
            {
                return false; // idle: background events only, and nothing crossing
            }

            limit = SimTime.MaxValue;
        }

        windowPlanned = true;
        Windows++;
        if (next > limit.Picoseconds)
        {
            windowEnd = limit; // nothing left before the limit: a last window moves every clock to it
            finishing = true;
            return true;
        }

        long grant = lookahead == SimDuration.MaxValue || next > long.MaxValue - lookahead.Picoseconds ? long.MaxValue : next + lookahead.Picoseconds;
        windowEnd = SimTime.FromPicoseconds(Math.Min(grant - 1, limit.Picoseconds)); // the window runs the events before next + lookahead
        finishing = windowEnd == limit;
        return true;
    }

    // Subscribes the partitions' logs while someone listens to the merged tracer, and hands it the window's events.
    private void MergeTrace()
    {
        bool on = Tracer.IsOn;
        foreach (int partition in localPartitions)
        {
            PartitionTraceLog log = traceLogs[partition]!;
            if (on && log.Subscription is null)
            {
                log.Subscription = networks[partition]!.Tracer.Subscribe(log);
            }
        }

        PartitionTraceLog.Merge(logs, Tracer);
        if (!on)
        {
            foreach (PartitionTraceLog log in logs)
            {
                log.Subscription?.Dispose();
                log.Subscription = null;
            }
        }
    }

    // The frames sent to `partition` in the window before enter its queue, in the order of
    // DeliveryOrder: the same whichever thread or process sent them.
    private void DeliverTo(int partition, ref Delivery[] scratch)
    {
        int readable = WritingParity ^ 1;
        int count = 0;
        foreach (PartitionMailbox mailbox in incoming[partition]!)
        {
            count = Gather(mailbox.Buffer(readable), ref scratch, count);
        }

        MessageBuffer? remote = fromOtherRanks[partition];
        if (remote is not null)
        {
            count = Gather(remote, ref scratch, count);
        }

        Span<Delivery> ordered = scratch.AsSpan(0, count);
        ordered.Sort(DeliveryOrder.Comparison);
        foreach (Delivery delivery in ordered)
        {
            CrossMessage message = delivery.Message;
            arrivalDirections[message.Direction]!.ArriveFromPartition(SimTime.FromPicoseconds(message.Time), message.Corrupted, delivery.Buffer.FrameOf(message));
        }

        remote?.Clear();
    }

    private static int Gather(MessageBuffer buffer, ref Delivery[] scratch, int count)
    {
        if (count + buffer.Count > scratch.Length)
        {
            Array.Resize(ref scratch, Math.Max(scratch.Length * 2, count + buffer.Count));
        }

        foreach (CrossMessage message in buffer.Messages)
        {
            scratch[count++] = new Delivery(message, buffer);
        }

        return count;
    }

    // A message for a partition of another process, into that process's buffer.
    private void Write(int rank, int destination, CrossMessage message, ReadOnlySpan<byte> frame)
    {
        ref byte[] buffer = ref outgoingBuffers[rank];
        int at = outgoingLengths[rank];
        int needed = at + MessageHeaderLength + frame.Length;
        if (needed > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, needed));
        }

        Span<byte> span = buffer.AsSpan(at);
        BinaryPrimitives.WriteInt32LittleEndian(span, destination);
        BinaryPrimitives.WriteInt64LittleEndian(span[4..], message.Time);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], message.Direction);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], message.Sequence);
        span[24] = message.Corrupted ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt16LittleEndian(span[25..], (ushort)frame.Length);
        frame.CopyTo(span[MessageHeaderLength..]);
        outgoingLengths[rank] = needed;
    }

    // The frames for other processes go out; theirs for this one come in, into each partition's buffer from other ranks.
    private void ExchangeWithRanks(int readable)
    {
        foreach (PartitionMailbox mailbox in toOtherRanks)
        {
            MessageBuffer buffer = mailbox.Buffer(readable);
            foreach (CrossMessage message in buffer.Messages)
            {
                Write(RankOf(mailbox.Destination), mailbox.Destination, message, buffer.FrameOf(message));
            }
        }

        for (int rank = 0; rank < outgoing.Length; rank++)
        {
            outgoing[rank] = new ArraySegment<byte>(outgoingBuffers[rank], 0, outgoingLengths[rank]);
        }

        IReadOnlyList<int> received = ranks!.ExchangeWithAll(outgoing, incomingBytes);
        Array.Clear(outgoingLengths);
        for (int rank = 0; rank < received.Count; rank++)
        {
            ReadOnlySpan<byte> span = incomingBytes[rank].AsSpan(0, received[rank]);
            int at = 0;
            while (at < span.Length)
            {
                int destination = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
                int length = BinaryPrimitives.ReadUInt16LittleEndian(span[(at + 25)..]);
                MessageBuffer inbox = fromOtherRanks[destination] ?? throw new InvalidOperationException($"Rank {rank} sent a frame to partition {destination}, which has no cut from another process here: the processes made different cuts.");
                inbox.Add(
                    BinaryPrimitives.ReadInt64LittleEndian(span[(at + 4)..]),
                    BinaryPrimitives.ReadInt32LittleEndian(span[(at + 12)..]),
                    BinaryPrimitives.ReadInt64LittleEndian(span[(at + 16)..]),
                    span[at + 24] != 0,
                    span.Slice(at + MessageHeaderLength, length));
                at += MessageHeaderLength + length;
            }
        }
    }
}
