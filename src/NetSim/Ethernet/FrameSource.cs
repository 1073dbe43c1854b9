using NetSim.Engine;
using NetSim.Links;
using NetSim.Wire;

namespace NetSim.Ethernet;

/// <summary>
/// A layer-2 traffic generator on a NIC: sends frames of a fixed size to one MAC address,
/// either at a fixed rate or saturating (keeping the NIC's queue from running dry, so the
/// station sends as fast as its link, or its share of a hub, allows).
/// </summary>
public sealed class FrameSource : IEventTarget
{
    /// <summary>A local experimental EtherType (IEEE 802 "local experimental 1"), so that no protocol reads these frames.</summary>
    public const EtherType TestEtherType = (EtherType)0x88b5;

    private const int SaturatingBacklog = 2;
    private readonly Nic nic;
    private readonly SimDuration interval;
    private bool running;
    private EventHandle next;

    /// <summary>Creates a source; nothing is sent until <see cref="Start"/>.</summary>
    /// <param name="nic">The NIC that sends.</param>
    /// <param name="destination">Where the frames go.</param>
    /// <param name="frameLength">The length of each frame, header included, 60 to 1514 bytes.</param>
    /// <param name="count">How many frames to send (default: until <see cref="Stop"/>).</param>
    /// <param name="rate">The rate in bits per second of frames (header included); null to saturate the link.</param>
    /// <exception cref="ArgumentOutOfRangeException">A length outside 60..1514, a count below 1, or a zero rate.</exception>
    /// <exception cref="InvalidOperationException">A saturating source on a NIC without a cable.</exception>
    public FrameSource(Nic nic, MacAddress destination, int frameLength, long count = long.MaxValue, DataRate? rate = null)
    {
        ArgumentNullException.ThrowIfNull(nic);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameLength, EthernetFrame.MinLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(frameLength, EthernetFrame.MaxLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        this.nic = nic;
        Destination = destination;
        FrameLength = frameLength;
        Count = count;
        Rate = rate;
        if (rate is DataRate r)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(r.BitsPerSecond, 0, nameof(rate));
            interval = r.TransmissionTime(frameLength);
        }
    }

    /// <summary>Where the frames go.</summary>
    public MacAddress Destination { get; }

    /// <summary>The length of each frame.</summary>
    public int FrameLength { get; }

    /// <summary>How many frames it sends in all.</summary>
    public long Count { get; }

    /// <summary>The sending rate, or null when saturating.</summary>
    public DataRate? Rate { get; }

    /// <summary>Frames handed to the NIC so far.</summary>
    public long FramesSent { get; private set; }

    /// <summary>Starts sending now (or after <paramref name="delay"/>).</summary>
    public void Start(SimDuration delay = default)
    {
        running = true;
        nic.Network.Simulation.Cancel(next); // starting twice must not make two chains of events
        next = nic.Network.Simulation.Schedule(delay, this);
    }

    /// <summary>Stops sending; frames already queued still go.</summary>
    public void Stop() => running = false;

    /// <inheritdoc/>
    void IEventTarget.OnEvent(int kind, long argument)
    {
        if (!running || FramesSent >= Count)
        {
            return;
        }

        Simulation simulation = nic.Network.Simulation;
        if (Rate is null)
        {
            CableDirection? egress = nic.Port.Cable is Cable cable ? (cable.A == nic.Port ? cable.FromA : cable.FromB) : null;
            if (egress is null)
            {
                throw new InvalidOperationException($"{nic.Name} has no cable: a saturating source needs one to pace itself.");
            }

            // Stop early when a send is refused (link down, queue limit): the queue will not grow.
            while (egress.QueuedFrames < SaturatingBacklog && FramesSent < Count && SendOne())
            {
            }

            // Look again after about one frame's time on the wire.
            next = simulation.Schedule(egress.Cable.Rate.TransmissionTime(FrameLength), this);
            return;
        }

        SendOne();
        next = simulation.Schedule(interval, this);
    }

    private bool SendOne()
    {
        FrameHandle frame = nic.CreateFrame(Destination, TestEtherType, FrameLength - EthernetFrame.HeaderLength);
        FramesSent++;
        return nic.Send(frame);
    }
}
