namespace NetSim.Tracing;

/// <summary>The layers whose trace events a listener takes (<see cref="TraceNarratorOptions.Layers"/>).</summary>
[Flags]
public enum TraceLayers
{
    /// <summary>No layer.</summary>
    None = 0,

    /// <summary><see cref="FrameEvent"/>: Ethernet, hubs, switches, links.</summary>
    Frame = 1,

    /// <summary><see cref="ArpEvent"/>.</summary>
    Arp = 2,

    /// <summary><see cref="IpEvent"/>.</summary>
    Ip = 4,

    /// <summary><see cref="UdpEvent"/>.</summary>
    Udp = 8,

    /// <summary><see cref="TcpEvent"/>.</summary>
    Tcp = 16,

    /// <summary><see cref="ApplicationEvent"/>: DNS and HTTP.</summary>
    Application = 32,

    /// <summary>Every layer.</summary>
    All = Frame | Arp | Ip | Udp | Tcp | Application,
}
