using NetSim.Engine;

namespace NetSim.Links;

/// <summary>
/// Where a direction of a cut cable (a cable between two partitions of a parallel run) puts
/// the frames it launches, instead of scheduling their arrival: the partition's outbox, which
/// the run delivers to the far end's partition at the start of a later window.
/// </summary>
internal interface IPartitionOutbox
{
    /// <summary>Sends a copy of <paramref name="frame"/>, the <paramref name="sequence"/>th on direction <paramref name="direction"/> of the cut, to arrive at <paramref name="arrival"/>.</summary>
    void Send(int direction, long sequence, SimTime arrival, bool corrupted, ReadOnlySpan<byte> frame);
}
