using NetSim.Tracing;

namespace NetSim.Transport;

/// <summary>A change of a <see cref="TcpConnection"/>'s state (<see cref="TcpConnection.StateChanged"/>).</summary>
/// <param name="Previous">The state it left.</param>
/// <param name="Current">The state it entered.</param>
public readonly record struct TcpStateChange(TcpState Previous, TcpState Current);
