using System.Security.Cryptography;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Tests.Ip;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Transport;

/// <summary>SACK (RFC 2018, RFC 6675) in whole transfers between hosts: every combination of options through a bad path, and no allocation per segment during recovery.</summary>
public class TcpSackNetworkTests
{
    public static TheoryData<bool, bool, bool, bool> Combinations()
    {
        var data = new TheoryData<bool, bool, bool, bool>();
        foreach (bool sack in new[] { true, false })
        {
            foreach (bool timestamps in new[] { true, false })
            {
                foreach (bool scaling in new[] { true, false })
                {
                    foreach (bool cubic in new[] { true, false })
                    {
                        data.Add(sack, timestamps, scaling, cubic);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void One_megabyte_arrives_byte_identical_through_loss_reordering_and_duplication(bool sack, bool timestamps, bool scaling, bool cubic)
    {
        var net = new IpTestNetwork(seed: 11);
        (Host pc1, Router[] routers, Host pc2) = net.Chain(1);
        Impairments bad = routers[0].Interfaces[1].Port.Cable!.FromA.Impairments;
        Impairments badBack = routers[0].Interfaces[1].Port.Cable!.FromB.Impairments;
        bad.LossProbability = 0.02;
        badBack.LossProbability = 0.02;
        bad.MaxJitter = SimDuration.FromMicroseconds(300); // several segment times: segments overtake each other
        bad.DuplicationProbability = 0.02;
        badBack.DuplicationProbability = 0.02;
        var settings = new TcpSettings
        {
            SelectiveAcknowledgments = sack,
            Timestamps = timestamps,
            WindowScaling = scaling,
            CongestionControl = cubic ? () => new CubicCongestionControl() : () => new NewRenoCongestionControl(),
        };

        byte[] data = new byte[1_000_000];
        new Random(7).NextBytes(data);
        (TcpConnection sender, byte[] received) = TcpTransfer.Run(net, pc1, pc2, settings, data);

        sender.SelectiveAcknowledgments.Should().Be(sack);
        sender.Timestamps.Should().Be(timestamps);
        sender.WindowScaling.Should().Be(scaling);
        received.Length.Should().Be(data.Length);
        SHA256.HashData(received).Should().Equal(SHA256.HashData(data));
        sender.FastRetransmits.Should().BeGreaterThan(0);
        if (!sack)
        {
            sender.GetRetransmissions(TcpRetransmitCause.SackRecovery).Should().Be(0);
        }
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void The_syn_ack_permits_sack_only_when_the_syn_did_and_the_listener_allows_it(bool client, bool server)
    {
        var net = new IpTestNetwork(seed: 1);
        (Host pc1, _, Host pc2) = net.Chain(1);
        FrameLog log = IpTestNetwork.Tap(pc2.Port);
        var listener = new TcpListener(pc2, 5000, new TcpSettings { SelectiveAcknowledgments = server });
        listener.Start();
        TcpConnection? accepted = null, connected = null;
        net.Simulation.Start(async () => accepted = await listener.AcceptAsync());
        net.Simulation.Start(async () => connected = await TcpConnection.ConnectAsync(pc1, pc2.Address, 5000, new TcpSettings { SelectiveAcknowledgments = client }));
        net.Simulation.RunFor(SimDuration.FromSeconds(1));

        TcpHeader[] syns = [.. log.Frames
            .Where(f => FrameLog.TypeOf(f.Bytes) == EtherType.IPv4 && FrameLog.IpHeaderOf(f.Bytes).Protocol == IpProtocol.Tcp)
            .Select(f => TcpHeader.TryParse(f.Bytes.AsSpan(EthernetFrame.HeaderLength + FrameLog.IpHeaderOf(f.Bytes).HeaderLength), out TcpHeader h) == WireError.None ? h : default)
            .Where(h => (h.Flags & TcpFlags.Syn) != 0)];
        syns.Should().HaveCount(2);
        syns[0].SackPermitted.Should().Be(client, "the SYN offers SACK when the settings say so");
        syns[1].SackPermitted.Should().Be(client && server, "RFC 2018, 2: the SYN-ACK carries SACK-permitted only when the SYN did and this end allows it");
        accepted!.SelectiveAcknowledgments.Should().Be(client && server);
        connected!.SelectiveAcknowledgments.Should().Be(client && server);
    }

    [Fact]
    public void Sack_recovery_allocates_nothing_per_segment()
    {
        static (long Allocated, long Segments, long SackRetransmissions) Transfer(int megabytes)
        {
            var net = new IpTestNetwork(seed: 3);
            (Host pc1, Router[] routers, Host pc2) = net.Chain(1);
            routers[0].Interfaces[1].Port.Cable!.FromA.Impairments.LossProbability = 0.01;
            var settings = new TcpSettings { ReceiveBufferSize = 256 * 1024, SendBufferSize = 256 * 1024 }; // every option on (the defaults)
            var listener = new TcpListener(pc2, 5000, settings);
            listener.Start();
            byte[] chunk = new byte[1_000_000];
            TcpConnection? sender = null;
            long allocated = 0;
            long sackBefore = 0;
            net.Simulation.Start(async () =>
            {
                TcpConnection s = await listener.AcceptAsync();
                byte[] buffer = new byte[1 << 20];
                while (await s.ReadAsync(buffer) > 0)
                {
                }
            });
            net.Simulation.Start(async () =>
            {
                sender = await TcpConnection.ConnectAsync(pc1, pc2.Address, 5000, settings);
                await sender.WriteAsync(chunk); // warm up: rings and the scoreboard grown
                await sender.WriteAsync(chunk);
                sackBefore = sender.GetRetransmissions(TcpRetransmitCause.SackRecovery);
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < megabytes; i++)
                {
                    await sender.WriteAsync(chunk);
                }

                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                await sender.CloseAsync();
            });
            net.Simulation.Run();
            sender!.SelectiveAcknowledgments.Should().BeTrue();
            return (allocated, sender.SegmentsSent, sender.GetRetransmissions(TcpRetransmitCause.SackRecovery) - sackBefore);
        }

        (long small, long smallSegments, _) = Transfer(2);
        small = Math.Min(small, Transfer(2).Allocated);
        (long large, long largeSegments, long sackRetransmissions) = Transfer(8);
        large = Math.Min(large, Transfer(8).Allocated);
        sackRetransmissions.Should().BeGreaterThan(0, "recovery by the scoreboard went on while measured");
        (largeSegments - smallSegments).Should().BeGreaterThan(4000);
        double perSegment = (double)(large - small) / (largeSegments - smallSegments);
        perSegment.Should().BeLessThan(1, "the scoreboard reuses its array and the SACK blocks are inline in the header");
    }
}
