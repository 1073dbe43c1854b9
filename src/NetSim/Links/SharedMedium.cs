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
/// i's cable (the hub repeats bits as they arrive, with no delay of its own).
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

    private readonly List<CableDirection> stations = [];

    public string HubName { get; } = hubName;

    public DataRate? Rate { get; private set; }

    /// <summary>The backoff unit: 512 bit times, or 4,096 above 100 Mb/s (IEEE 802.3, 4.4.2).</summary>
    public SimDuration SlotTime { get; private set; }

    /// <summary>Adds the sending side of a station's cable to the collision domain.</summary>
    public void Add(CableDirection station)
    {
        if (Rate is DataRate rate && rate != station.Cable.Rate)
        {
            throw new ArgumentException(
                $"{station.To}: every cable of a hub runs at one rate; this one is {station.Cable.Rate}, the others {rate}.");
        }

        Rate = station.Cable.Rate;
        SlotTime = station.Cable.Rate.TransmissionTimeOfBits(station.Cable.Rate.BitsPerSecond > 100_000_000 ? GigabitSlotBits : SlotBits);
        stations.Add(station);
    }

    /// <summary>Until when <paramref name="listener"/> senses another station's signal at <paramref name="now"/>, or null when the medium is idle there.</summary>
    public SimTime? BusyUntil(CableDirection listener, SimTime now)
    {
        SimTime? busyUntil = null;
        foreach (CableDirection other in stations)
        {
            if (other == listener || !other.HasTransmitted)
            {
                continue;
            }

            // The last two attempts: a station's previous frame may still be crossing the
            // medium when it starts its next one.
            SimDuration propagation = other.Cable.Delay + listener.Cable.Delay;
            foreach ((SimTime start, SimTime end) in (ReadOnlySpan<(SimTime, SimTime)>)[other.PreviousAttempt, (other.TransmitStart, other.TransmitEnd)])
            {
                // Strictly before now: a signal that arrives just as this station starts is a collision, not a busy medium.
                SimTime arrives = start + propagation;
                SimTime leaves = end + propagation;
                if (arrives < now && now < leaves && (busyUntil is null || leaves > busyUntil))
                {
                    busyUntil = leaves;
                }
            }
        }

        return busyUntil;
    }

    /// <summary>
    /// <paramref name="sender"/> starts transmitting at <paramref name="now"/>: every station
    /// whose signal is on the medium but has not reached it yet collides with it.
    /// </summary>
    public void Start(CableDirection sender, SimTime now)
    {
        foreach (CableDirection other in stations)
        {
            if (other == sender || !other.IsSending)
            {
                continue;
            }

            SimDuration propagation = other.Cable.Delay + sender.Cable.Delay;
            if (other.TransmitStart + propagation >= now)
            {
                // The sender hears the other's signal when it arrives; the other hears the
                // sender's after the same propagation from now.
                sender.Collide(other.TransmitStart + propagation);
                other.Collide(now + propagation);
            }
        }
    }
}
