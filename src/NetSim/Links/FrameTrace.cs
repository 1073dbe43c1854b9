using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Links;

/// <summary>Raises layer-2 trace events from frame bytes, for devices that found the network's <see cref="Tracer.IsOn"/> true.</summary>
internal static class FrameTrace
{
    public static void Raise(Network network, string device, int port, FrameEventKind kind, ReadOnlySpan<byte> frame, DropReason? reason = null, IReadOnlyList<int>? outPorts = null)
    {
        MacAddress source = default;
        MacAddress destination = default;
        if (frame.Length >= EthernetFrame.HeaderLength)
        {
            destination = MacAddress.Read(frame);
            source = MacAddress.Read(frame[MacAddress.Length..]);
        }

        network.Tracer.Raise(new FrameEvent(network.Simulation.Now, device, port, kind, source, destination, frame.Length, reason) { OutPorts = outPorts }, frame);
    }
}
