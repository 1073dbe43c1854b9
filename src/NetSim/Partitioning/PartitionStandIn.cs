using NetSim.Links;

namespace NetSim.Partitioning;

/// <summary>
/// The far end of a cut cable, in the partition of the near end: the port the local half of
/// the cable plugs into. Frames sent towards it leave as messages (its direction sends across),
/// and frames from the far partition arrive through its direction, so it never receives one.
/// </summary>
internal sealed class PartitionStandIn : IFrameReceiver
{
    public void OnFrameArrived(Port port, FrameHandle frame) => port.Network.Frames.Return(frame); // not reached: this direction sends across
}
