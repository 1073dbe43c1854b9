using System.Globalization;
using System.Text;
using System.Text.Json;
using NetSim.Engine;

namespace NetSim.Tracing;

/// <summary>
/// Writes the statistics of <see cref="FlowMonitor"/> out: as CSV or JSON for a script or a
/// plot to read, and as a plain-text table for the console. The columns and fields are
/// described in docs/architecture.md ("Flow statistics"); times and delays are in seconds,
/// rates in bits per second, written in the invariant culture, exact to the picosecond.
/// </summary>
public static class FlowReport
{
    /// <summary>The CSV columns, in order (the first line <see cref="WriteCsv"/> writes).</summary>
    public static IReadOnlyList<string> CsvColumns { get; } =
    [
        "protocol", "source", "source_port", "destination", "destination_port", "icmp_type", "icmp_id",
        "packets_sent", "bytes_sent", "packets_received", "bytes_received", "packets_lost", "drops",
        "first_sent_s", "last_sent_s", "first_received_s", "last_received_s",
        "delay_min_s", "delay_mean_s", "delay_max_s", "jitter_s", "throughput_bps",
        "retransmitted_bytes", "retransmitted_segments",
    ];

    /// <summary>
    /// Writes one line of <see cref="CsvColumns"/>, then one line per flow. An empty field is
    /// a value that does not exist (no packet received: no delay). Drops are written
    /// "Frame.LostOnCable=2;Ip.NoRoute=1", reasons in ordinal order.
    /// </summary>
    public static void WriteCsv(TextWriter writer, IEnumerable<FlowStatistics> flows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(flows);
        writer.Write(string.Join(',', CsvColumns));
        writer.Write('\n');
        foreach (FlowStatistics flow in flows)
        {
            FlowKey key = flow.Key;
            string[] fields =
            [
                Protocol(key), key.Source.ToString(), Number(key.SourcePort), key.Destination.ToString(), Number(key.DestinationPort),
                key.IcmpType?.ToString() ?? "", Number(key.IcmpIdentifier),
                Number(flow.PacketsSent), Number(flow.BytesSent), Number(flow.PacketsReceived), Number(flow.BytesReceived), Number(flow.PacketsLost),
                string.Join(';', SortedDrops(flow).Select(drop => string.Create(CultureInfo.InvariantCulture, $"{drop.Key}={drop.Value}"))),
                Seconds(flow.FirstSent), Seconds(flow.LastSent), Seconds(flow.FirstReceived), Seconds(flow.LastReceived),
                Seconds(flow.DelayMin), Seconds(flow.DelayMean), Seconds(flow.DelayMax), Seconds(flow.Jitter),
                flow.Throughput is { } rate ? Number(rate.BitsPerSecond) : "",
                Number(flow.RetransmittedBytes), Number(flow.RetransmittedSegments),
            ];
            writer.Write(string.Join(',', fields));
            writer.Write('\n');
        }
    }

    /// <summary>
    /// Writes <c>{ "flows": [ ... ] }</c>, one object per flow with the fields of the CSV in
    /// camelCase (times in seconds, null where there is no value), <c>drops</c> as an object
    /// from reason to count, and <c>delayBinWidthS</c> with <c>delayHistogram</c> (the counts).
    /// </summary>
    public static void WriteJson(Stream stream, IEnumerable<FlowStatistics> flows)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(flows);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartArray("flows");
        foreach (FlowStatistics flow in flows)
        {
            FlowKey key = flow.Key;
            json.WriteStartObject();
            json.WriteString("protocol", Protocol(key));
            json.WriteString("source", key.Source.ToString());
            json.WriteNumber("sourcePort", key.SourcePort);
            json.WriteString("destination", key.Destination.ToString());
            json.WriteNumber("destinationPort", key.DestinationPort);
            if (key.IcmpType is { } type)
            {
                json.WriteString("icmpType", type.ToString());
            }
            else
            {
                json.WriteNull("icmpType");
            }

            json.WriteNumber("icmpId", key.IcmpIdentifier);
            json.WriteNumber("packetsSent", flow.PacketsSent);
            json.WriteNumber("bytesSent", flow.BytesSent);
            json.WriteNumber("packetsReceived", flow.PacketsReceived);
            json.WriteNumber("bytesReceived", flow.BytesReceived);
            json.WriteNumber("packetsLost", flow.PacketsLost);
            json.WriteStartObject("drops");
            foreach (KeyValuePair<string, long> drop in SortedDrops(flow))
            {
                json.WriteNumber(drop.Key, drop.Value);
            }

            json.WriteEndObject();
            Seconds(json, "firstSentS", flow.FirstSent?.SinceStart);
            Seconds(json, "lastSentS", flow.LastSent?.SinceStart);
            Seconds(json, "firstReceivedS", flow.FirstReceived?.SinceStart);
            Seconds(json, "lastReceivedS", flow.LastReceived?.SinceStart);
            Seconds(json, "delayMinS", flow.DelayMin);
            Seconds(json, "delayMeanS", flow.DelayMean);
            Seconds(json, "delayMaxS", flow.DelayMax);
            Seconds(json, "jitterS", flow.Jitter);
            if (flow.Throughput is { } rate)
            {
                json.WriteNumber("throughputBps", rate.BitsPerSecond);
            }
            else
            {
                json.WriteNull("throughputBps");
            }

            json.WriteNumber("retransmittedBytes", flow.RetransmittedBytes);
            json.WriteNumber("retransmittedSegments", flow.RetransmittedSegments);
            Seconds(json, "delayBinWidthS", flow.DelayBinWidth);
            json.WriteStartArray("delayHistogram");
            foreach (long count in flow.DelayHistogram)
            {
                json.WriteNumberValue(count);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>
    /// A plain-text table, one row per flow (packets sent, received and lost, mean delay,
    /// jitter, throughput, TCP bytes retransmitted), columns aligned with spaces, for a console.
    /// </summary>
    public static string FormatTable(IEnumerable<FlowStatistics> flows)
    {
        ArgumentNullException.ThrowIfNull(flows);
        List<string[]> rows = [["Flow", "Sent", "Received", "Lost", "Mean delay", "Jitter", "Throughput", "Retransmitted"]];
        foreach (FlowStatistics flow in flows)
        {
            rows.Add(
            [
                flow.Key.ToString(),
                Number(flow.PacketsSent),
                Number(flow.PacketsReceived),
                Number(flow.PacketsLost),
                flow.DelayMean?.ToString() ?? "-",
                flow.Jitter.ToString(),
                flow.Throughput?.ToString() ?? "-",
                flow.RetransmittedBytes > 0 ? string.Create(CultureInfo.InvariantCulture, $"{flow.RetransmittedBytes} B") : "-",
            ]);
        }

        int[] widths = [.. Enumerable.Range(0, rows[0].Length).Select(column => rows.Max(row => row[column].Length))];
        var text = new StringBuilder();
        foreach (string[] row in rows)
        {
            for (int column = 0; column < row.Length; column++)
            {
                // The flow is read from the left; the numbers line up on the right.
                string cell = column == 0 ? row[column].PadRight(widths[column]) : row[column].PadLeft(widths[column]);
                text.Append(column == 0 ? cell : "  " + cell);
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static string Protocol(FlowKey key) => key.Protocol.ToString().ToLowerInvariant();

    private static IEnumerable<KeyValuePair<string, long>> SortedDrops(FlowStatistics flow) => flow.Drops.OrderBy(drop => drop.Key, StringComparer.Ordinal);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(SimTime? time) => time is { } t ? Seconds(t.SinceStart) : "";

    private static string Seconds(SimDuration? duration) => duration is { } d ? d.TotalSeconds.ToString("R", CultureInfo.InvariantCulture) : "";

    private static void Seconds(Utf8JsonWriter json, string name, SimDuration? duration)
    {
        if (duration is { } d)
        {
            json.WriteNumber(name, d.TotalSeconds);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
