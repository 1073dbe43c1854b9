using NetSim.Engine;
using NetSim.Tracing;

namespace NetSim.Links;

/// <summary>
/// A full-duplex cable between two ports: each direction has its own wire and its own
/// egress queue (<see cref="FromA"/>, <see cref="FromB"/>), so both ends can send at once.
/// </summary>
public sealed class Cable : ICapturePoint
{
    private bool isUp = true;

    /// <summary>Plugs a cable of the given rate and propagation delay into ports <paramref name="a"/> and <paramref name="b"/>.</summary>
    /// <exception cref="ArgumentException">A port is already connected, both ends are the same port, or the ports are in different networks.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The rate is zero or the delay is negative.</exception>
    public Cable(Port a, Port b, DataRate rate, SimDuration delay)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (ReferenceEquals(a, b))
        {
            throw new ArgumentException($"A cable cannot join {a} to itself.", nameof(b));
        }

        if (a.Network != b.Network)
        {
            throw new ArgumentException($"{a} and {b} belong to different networks.", nameof(b));
        }

        if (rate.BitsPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"The cable from {a} to {b} needs a data rate above zero, not {rate}.");
        }

        if (delay < SimDuration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, $"The cable from {a} to {b} cannot have a negative delay ({delay}).");
        }

        foreach (Port port in (ReadOnlySpan<Port>)[a, b])
        {
            if (port.Cable is not null)
            {
                throw new ArgumentException($"{port} is already connected ({port.Cable}).", port == a ? nameof(a) : nameof(b));
            }
        }

        if (a.Medium is not null && b.Medium is not null)
        {
            throw new ArgumentException($"{a} and {b} are both hub ports: joining two hubs into one collision domain is not supported.", nameof(b));
        }

        A = a;
        B = b;
        Rate = rate;
        Delay = delay;

        // A station on a hub shares its medium and runs half-duplex.
        FromA = new CableDirection(this, a, b, b.Medium);
        FromB = new CableDirection(this, b, a, a.Medium);
        a.Attach(this, FromA);
        b.Attach(this, FromB);
        a.Network.RegisterCable(this);
    }

    /// <summary>One end.</summary>
    public Port A { get; }

    /// <summary>The other end.</summary>
    public Port B { get; }

    /// <summary>The data rate of each direction.</summary>
    public DataRate Rate { get; }

    /// <summary>The propagation delay from one end to the other.</summary>
    public SimDuration Delay { get; }

    /// <summary>True for a cable between two partitions of a parallel run (one end here, the other a stand-in for the far partition's port).</summary>
    internal bool JoinsPartitions { get; set; }

    /// <summary>The direction from <see cref="A"/> to <see cref="B"/>.</summary>
    public CableDirection FromA { get; }

    /// <summary>The direction from <see cref="B"/> to <see cref="A"/>.</summary>
    public CableDirection FromB { get; }

    /// <summary>
    /// Whether the link is up. Taking it down drops the queued frames, and frames still on
    /// the wire are lost when they would have arrived; sending while down drops at once.
    /// </summary>
    public bool IsUp
    {
        get => isUp;
        set
        {
            if (isUp == value)
            {
                return;
            }

            if (JoinsPartitions)
            {
                throw new InvalidOperationException($"{this} joins two partitions of a parallel run: its far end runs in another partition, so it cannot be taken down or up.");
            }

            isUp = value;
            if (!value)
            {
                FromA.GoDown();
                FromB.GoDown();
            }

            A.NotifyLinkChanged();
            B.NotifyLinkChanged();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"cable {A} <-> {B}";

    /// <summary>Shows <paramref name="capture"/> every frame put on the cable, in both directions, as it leaves its end; until the returned subscription is disposed.</summary>
    public IDisposable AddCapture(IFrameCapture capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        IDisposable a = A.AddCapture(capture, outgoingOnly: true);
        IDisposable b = B.AddCapture(capture, outgoingOnly: true);
        return new BothEnds(a, b);
    }

    private sealed class BothEnds(IDisposable a, IDisposable b) : IDisposable
    {
        public void Dispose()
        {
            a.Dispose();
            b.Dispose();
        }
    }
}
