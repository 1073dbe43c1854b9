namespace NetSim.Tracing;

/// <summary>Why a frame was dropped. Every drop is counted under its reason.</summary>
public enum DropReason
{
    /// <summary>The egress queue was full, or its queue discipline refused the frame.</summary>
    QueueFull,

    /// <summary>The port has no cable, or its cable is down.</summary>
    LinkDown,

    /// <summary>The cable lost the frame (loss impairment, or a frame number listed to drop).</summary>
    LostOnCable,

    /// <summary>The frame check sequence did not match: bits were corrupted on the way.</summary>
    BadFcs,

    /// <summary>The frame is not for this station (another unicast address, promiscuous mode off).</summary>
    NotForMe,

    /// <summary>The frame is malformed (see its <see cref="Wire.WireError"/>).</summary>
    Malformed,

    /// <summary>The frame carries an 802.1Q tag and the receiver is not VLAN-aware.</summary>
    VlanTagged,

    /// <summary>A switch filtered the frame: its destination sits on the port it came in on.</summary>
    Filtered,

    /// <summary>CSMA/CD gave up after 16 collisions on a shared medium.</summary>
    ExcessiveCollisions,

    /// <summary>
    /// A queue discipline chose to drop the frame though its queue had room: active queue
    /// management (RED, CoDel) or a policy of its own (see queue discipline (<c>IQueueDiscipline</c>)).
    /// </summary>
    QueueManagement,
}
