using NetSim.Links;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Ip;

/// <summary>
/// Cuts a datagram into fragments that fit an interface's MTU (RFC 791, 3.2,
/// "Fragmentation"): each but the last carries a multiple of 8 bytes of the payload and has
/// MF set; options are not copied (see docs/architecture.md). Reassembly is its
/// counterpart on the receiving side.
/// </summary>
internal static class Fragmenter
{
    /// <summary>Sends <paramref name="payload"/> under <paramref name="header"/> through <paramref name="egress"/> to <paramref name="nextHop"/>, in as many fragments as its MTU asks.</summary>
    public static void Send(IpNode node, IpInterface egress, Ipv4Address nextHop, in Ipv4Header header, ReadOnlySpan<byte> payload)
    {
        FramePool pool = node.Network.Frames;
        int maxData = (egress.Mtu - Ipv4Header.MinLength) & ~7;
        if (node.Network.Tracer.IsOn)
        {
            node.Network.Tracer.Raise(IpTrace.Make(node, IpEventKind.Fragmented, header, payload, egress) with { NextHop = nextHop, Fragments = (payload.Length + maxData - 1) / maxData });
        }

        int offset = 0;
        do
        {
            int length = Math.Min(payload.Length - offset, maxData);
            bool last = offset + length == payload.Length;
            Ipv4Header fragmentHeader = header with
            {
                TotalLength = Ipv4Header.MinLength + length,
                FragmentOffset = header.FragmentOffset + offset,
                MoreFragments = header.MoreFragments || !last,
                HeaderLength = Ipv4Header.MinLength,
            };
            FrameHandle fragment = pool.RentForOverwrite(fragmentHeader.TotalLength); // every byte is written just below
            Span<byte> bytes = pool.GetSpan(fragment);
            fragmentHeader.Emit(bytes);
            payload.Slice(offset, length).CopyTo(bytes[Ipv4Header.MinLength..]);
            if (!last || offset > 0)
            {
                node.Counters.FragmentsCreated++;
            }

            node.Transmit(egress, fragment, nextHop);
            offset += length;
        }
        while (offset < payload.Length);
    }
}
