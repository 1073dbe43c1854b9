using NetSim.Engine;

namespace NetSim.Tracing;

/// <summary>
/// What <see cref="FlowMonitor"/> measured of one flow up to the moment it was asked
/// (<see cref="FlowMonitor.GetStatistics"/>). Packets and bytes are IPv4 packets and their total
/// length (header included) as the sending host's IP layer sent them; times are simulated times.
/// </summary>
public sealed class FlowStatistics
{
    /// <summary>The flow.</summary>
    public required FlowKey Key { get; init; }

    /// <summary>Packets the source sent (each datagram once, however many fragments it left in).</summary>
    public long PacketsSent { get; init; }

    /// <summary>The bytes of those packets (IPv4 total length).</summary>
    public long BytesSent { get; init; }

    /// <summary>Packets delivered at their destination (a copy made on the way is counted once).</summary>
    public long PacketsReceived { get; init; }

    /// <summary>The bytes of those packets.</summary>
    public long BytesReceived { get; init; }

    /// <summary>
    /// Packets sent and not received (yet): dropped on the way, or still in flight when the
    /// statistics were taken. <see cref="Drops"/> says where a device dropped them.
    /// </summary>
    public long PacketsLost { get; init; }

    /// <summary>
    /// Of the lost packets, how many were dropped for each reason a device gave: "Frame." and a
    /// <see cref="DropReason"/> name for a layer-2 drop ("Frame.QueueFull", "Frame.LostOnCable"),
    /// "Ip." and an <see cref="IpDropReason"/> name for an IPv4 one ("Ip.TimeToLiveExceeded",
    /// "Ip.NoRoute"). Lost packets no device said it dropped (in flight) are not here.
    /// </summary>
    public IReadOnlyDictionary<string, long> Drops { get; init; } = new Dictionary<string, long>();

    /// <summary>When the first packet was sent; null if none was.</summary>
    public SimTime? FirstSent { get; init; }

    /// <summary>When the last packet was sent; null if none was.</summary>
    public SimTime? LastSent { get; init; }

    /// <summary>When the first packet was received; null if none was.</summary>
    public SimTime? FirstReceived { get; init; }

    /// <summary>When the last packet was received; null if none was.</summary>
    public SimTime? LastReceived { get; init; }

    /// <summary>The shortest one-way delay (received minus sent) of a received packet; null if none was.</summary>
    public SimDuration? DelayMin { get; init; }

    /// <summary>The mean one-way delay, rounded down to the picosecond; null if no packet was received.</summary>
    public SimDuration? DelayMean { get; init; }

    /// <summary>The longest one-way delay; null if no packet was received.</summary>
    public SimDuration? DelayMax { get; init; }

    /// <summary>The width of each bin of <see cref="DelayHistogram"/>.</summary>
    public SimDuration DelayBinWidth { get; init; }

    /// <summary>
    /// How many received packets had each delay: bin i counts delays in [i w, (i + 1) w) for the
    /// bin width w; the last bin also counts every longer delay.
    /// </summary>
    public IReadOnlyList<long> DelayHistogram { get; init; } = [];

    /// <summary>
    /// The one-way delay that <paramref name="percentile"/> % of the received packets did not
    /// exceed (nearest rank), read from <see cref="DelayHistogram"/>: the upper edge of the bin
    /// that holds the packet of that rank, no longer than <see cref="DelayMax"/> and no shorter
    /// than <see cref="DelayMin"/>. It is thus at most one <see cref="DelayBinWidth"/> above the
    /// exact percentile; a rank that falls in the last bin (which also counts every longer delay)
    /// gives <see cref="DelayMax"/>. Null if no packet was received.
    /// </summary>
    /// <param name="percentile">From above 0 to 100: 50 for the median, 95 for the 95th percentile.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percentile"/> is not above 0 and at most 100.</exception>
    public SimDuration? GetDelayPercentile(double percentile)
    {
        if (!(percentile > 0 && percentile <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "A percentile is above 0 and at most 100.");
        }

        if (DelayMin is not { } min || DelayMax is not { } max)
        {
            return null;
        }

        long total = 0;
        foreach (long count in DelayHistogram)
        {
            total += count;
        }

        // Nearest rank: the ceil(p / 100 x N)-th smallest delay.
        long rank = Math.Max(1, (long)Math.Ceiling(percentile * total / 100));
        long seen = 0;
        for (int bin = 0; bin < DelayHistogram.Count - 1; bin++)
        {
            seen += DelayHistogram[bin];
            if (seen >= rank)
            {
                SimDuration edge = DelayBinWidth * (bin + 1);
                return edge > max ? max : edge < min ? min : edge;
            }
        }

        return max;
    }

    /// <summary>
    /// The interarrival jitter after the last received packet, as RFC 3550 (6.4.1) estimates it:
    /// J += (|D(i-1, i)| - J) / 16, with D the change in one-way delay between packets received
    /// one after the other; rounded to the picosecond. Zero with fewer than two packets.
    /// </summary>
    public SimDuration Jitter { get; init; }

    /// <summary>
    /// Bytes received, in bits, over the time from the first packet sent to the last one
    /// received, rounded to the bit per second; null until a packet is received.
    /// </summary>
    public DataRate? Throughput { get; init; }

    /// <summary>For TCP: the data bytes the source sent again (every cause: timeout, fast retransmit, partial ACK, probe).</summary>
    public long RetransmittedBytes { get; init; }

    /// <summary>For TCP: how many segments the source sent again.</summary>
    public long RetransmittedSegments { get; init; }
}
