using System.Globalization;
using NetSim.Engine;
using NetSim.Links;

namespace NetSim.Partitioning;

/// <summary>
/// A cable between two partitions of a <see cref="ParallelSimulation"/> (a cut cable): frames
/// cross it as messages between the partitions, and its propagation delay bounds how far one
/// partition may run ahead of the other (the lookahead).
/// </summary>
public sealed class PartitionCut
{
    internal PartitionCut(int id, int partitionA, string endA, int partitionB, string endB, DataRate rate, SimDuration delay)
    {
        Id = id;
        PartitionA = partitionA;
        EndA = endA;
        PartitionB = partitionB;
        EndB = endB;
        Rate = rate;
        Delay = delay;
    }

    /// <summary>The cut's number, from 0 in the order the cuts were made.</summary>
    public int Id { get; }

    /// <summary>The partition of one end.</summary>
    public int PartitionA { get; }

    /// <summary>That end, as given: a device ("r3") or an interface ("r3/eth1").</summary>
    public string EndA { get; }

    /// <summary>The partition of the other end.</summary>
    public int PartitionB { get; }

    /// <summary>The other end, as given.</summary>
    public string EndB { get; }

    /// <summary>The data rate of each direction.</summary>
    public DataRate Rate { get; }

    /// <summary>The propagation delay, and so the lookahead this cut allows.</summary>
    public SimDuration Delay { get; }

    /// <summary>The port of end A when its partition runs in this process; null otherwise.</summary>
    public Port? PortA { get; internal set; }

    /// <summary>The port of end B when its partition runs in this process; null otherwise.</summary>
    public Port? PortB { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"cable {EndA} (partition {PartitionA}) <-> {EndB} (partition {PartitionB})");
}
