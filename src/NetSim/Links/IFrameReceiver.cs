using NetSim.Wire;

namespace NetSim.Links;

/// <summary>A device that frames arrive at through its ports: a NIC, a hub, a switch.</summary>
public interface IFrameReceiver
{
    /// <summary>
    /// A whole frame has arrived at <paramref name="port"/> (its last bit is in). The
    /// receiver now owns <paramref name="frame"/>: it passes it on or returns it to the pool.
    /// </summary>
    void OnFrameArrived(Port port, FrameHandle frame);

    /// <summary>
    /// True when the device would drop a valid frame to <paramref name="destination"/> as not
    /// addressed to it (a NIC that is not promiscuous); a hub then counts the copy for that
    /// port instead of delivering it. False for devices that take every frame.
    /// </summary>
    bool Ignores(MacAddress destination) => false;

    /// <summary>The cable of <paramref name="port"/> went up or down (<see cref="Port.IsLinkUp"/> says which). Does nothing unless the device cares.</summary>
    void OnLinkChanged(Port port)
    {
    }
}
