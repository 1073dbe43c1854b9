using NetSim.Engine;

namespace NetSim.Links;

/// <summary>
/// The collision domain of a hub: the stations on its ports share one medium and run
/// IEEE 802.3 half-duplex CSMA/CD (clause 4.2.3). A station defers while it senses another
/// station's signal; a station that starts before another's signal has reached it
/// collides with it, and both jam and back off.
/// </summary>
/// <remarks>
/// A signal from station j reaches station i after the delay of j's cable plus the delay of
/// i's cable (the hub repeats bits as they arrive, with no delay of its own). The medium
/// keeps each attempt's signal (when it starts and ends at the hub) until it has passed
/// every station, so carrier sense looks at the few signals still on the medium rather than
/// at every station.
/// </remarks>
internal sealed class SharedMedium(string hubName)
{
    /// <summary>The 802.3 slot time up to 100 Mb/s, in bit times.</summary>
    public const int SlotBits = 512;

    /// <summary>The slot time of half-duplex gigabit Ethernet (with carrier extension), in bit times.</summary>
    public const int GigabitSlotBits = 4096;

    /// <summary>The jam signal after a collision, in bit times.</summary>
    public const int JamBits = 32;

    /// <summary>The attempts of one frame before it is dropped.</summary>
    public const int AttemptLimit = 16;

    /// <summary>The backoff exponent stops growing here ("truncated" binary exponential backoff).</summary>
    public const int BackoffLimit = 10;

    private readonly List<CsmaCdTransmitter> stations = [];
    private Signal[] signals = new Signal[8]; // the attempts whose signal may still be somewhere on the medium, oldest first
    private int signalCount;
    private SimDuration longestDelay; // of the stations' cables

    public string HubName { get; } = hubName;

    /// <summary>Attempts that collided: each station's attempt counts once, however many stations it collided with.</summary>
    public long Collisions { get; private set; }

    /// <summary>Called after each collision is counted (the hub's observers), or null.</summary>
    public Action? Collided { get; set; }

    public DataRate? Rate { get; private set; }

    /// <summary>The backoff unit: 512 bit times, or 4,096 above 100 Mb/s (IEEE 802.3, 4.4.2).</summary>
    public SimDuration SlotTime { get; private set; }

    /// <summary>Adds the sending side of a station's cable to the collision domain.</summary>
    public void Add(CsmaCdTransmitter station)
    {
        if (Rate is DataRate rate && rate != station.Cable.Rate)
        {
            throw new ArgumentException(
                $"{station.Direction.To}: every cable of a hub runs at one rate; this one is {station.Cable.Rate}, the others {rate}.");
        }

        Rate = station.Cable.Rate;
        SlotTime = station.Cable.Rate.TransmissionTimeOfBits(station.Cable.Rate.BitsPerSecond > 100_000_000 ? GigabitSlotBits : SlotBits);
        stations.Add(station);
        if (station.Cable.Delay > longestDelay)
        {
            longestDelay = station.Cable.Delay;
        }
    }

    /// <summary>Until when <paramref name="listener"/> senses another station's signal at <paramref name="now"/>, or null when the medium is idle there.</summary>
    public SimTime? BusyUntil(CsmaCdTransmitter listener, SimTime now)
    {
        SimTime? busyUntil = null;
        SimDuration toListener = listener.Cable.Delay;
        int kept = 0;
        for (int i = 0; i < signalCount; i++)
        {
            Signal signal = signals[i];
            if (signal.EndAtHub + longestDelay <= now)
            {
                continue; // gone from every station's cable: forget it
            }

            signals[kept++] = signal;
            if (signal.Station == listener)
            {
                continue;
            }

            // Strictly before now: a signal that arrives just as this station starts is a collision, not a busy medium.
            SimTime arrives = signal.StartAtHub + toListener;
            SimTime leaves = signal.EndAtHub + toListener;
            if (arrives < now && now < leaves && (busyUntil is null || leaves > busyUntil))
            {
                busyUntil = leaves;
            }
        }

        signalCount = kept;
        return busyUntil;
    }

    /// <summary>
    /// <paramref name="sender"/> starts transmitting at <paramref name="now"/>: every station
    /// whose signal is on the medium but has not reached it yet collides with it.
    /// </summary>
    public void Start(CsmaCdTransmitter sender, SimTime now)
    {
        // Those stations are sending their latest signal; usually there is none, or one.
        CsmaCdTransmitter? colliding = null;
        bool several = false;
        for (int i = 0; i < signalCount; i++)
        {
            CsmaCdTransmitter other = signals[i].Station;
            if (other != sender && other.IsSending && signals[i].Start == other.TransmitStart && NotYetHeard(other, sender, now))
            {
                several |= colliding is not null;
                colliding = other;
            }
        }

        if (signalCount == signals.Length)
        {
            Array.Resize(ref signals, signals.Length * 2);
        }

        signals[signalCount++] = new Signal(sender, now, now + sender.Cable.Delay, sender.TransmitEnd + sender.Cable.Delay);
        if (several)
        {
            // In the order of the ports: of two jams that end at the same time, the one scheduled first runs first.
            foreach (CsmaCdTransmitter other in stations)
            {
                if (other != sender && other.IsSending && NotYetHeard(other, sender, now))
                {
                    Collide(sender, other, now);
                }
            }
        }
        else if (colliding is not null)
        {
            Collide(sender, colliding, now);
        }
    }

    /// <summary><paramref name="station"/>'s current attempt stops early, at <paramref name="end"/> (a jam after a collision, or its link going down).</summary>
    public void Cut(CsmaCdTransmitter station, SimTime end)
    {
        for (int i = signalCount - 1; i >= 0; i--)
        {
            if (signals[i].Station == station)
            {
                signals[i].EndAtHub = end + station.Cable.Delay;
                return;
            }
        }
    }

    /// <summary>One more station's attempt collided.</summary>
    public void CountCollision()
    {
        Collisions++;
        Collided?.Invoke();
    }

    // True when the signal of the other station's current attempt reaches the sender only now or later.
    private static bool NotYetHeard(CsmaCdTransmitter other, CsmaCdTransmitter sender, SimTime now) =>
        other.TransmitStart + other.Cable.Delay + sender.Cable.Delay >= now;

    // The sender hears the other's signal when it arrives; the other hears the sender's
    // after the same propagation from now.
    private static void Collide(CsmaCdTransmitter sender, CsmaCdTransmitter other, SimTime now)
    {
        SimDuration propagation = other.Cable.Delay + sender.Cable.Delay;
        sender.Collide(other.TransmitStart + propagation);
        other.Collide(now + propagation);
    }

    // One attempt's signal, started by its station at Start: the hub repeats it from
    // StartAtHub to EndAtHub, and each station hears it one cable delay (its own) later.
    private struct Signal(CsmaCdTransmitter station, SimTime start, SimTime startAtHub, SimTime endAtHub)
    {
        public readonly CsmaCdTransmitter Station = station;
        public readonly SimTime Start = start;
        public readonly SimTime StartAtHub = startAtHub;
        public SimTime EndAtHub = endAtHub;
    }
}
