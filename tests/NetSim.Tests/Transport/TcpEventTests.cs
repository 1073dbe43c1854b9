using NetSim.Engine;
using NetSim.Tests.Ip;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;

namespace NetSim.Tests.Transport;

/// <summary>The events of listeners and connections take many handlers, each added and removed on its own.</summary>
public class TcpEventTests
{
    private static readonly TcpSettings QuickTimeWait = new() { MaximumSegmentLifetime = SimDuration.FromSeconds(1) };

    private static void Connect(IpTestNetwork net, Host from, Host to)
    {
        net.Simulation.Start(async () => await TcpConnection.ConnectAsync(from, to.Address, 80));
        net.Simulation.RunFor(SimDuration.FromMilliseconds(100));
    }

    [Fact]
    public async Task Two_handlers_of_Accepted_both_get_each_connection_and_then_AcceptAsync_gets_them_again()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var listener = new TcpListener(pc2, 80);
        listener.Start();
        var first = new List<TcpConnection>();
        var second = new List<TcpConnection>();
        void First(object? sender, TcpConnection connection) => first.Add(connection);
        void Second(object? sender, TcpConnection connection)
        {
            sender.Should().BeSameAs(listener);
            second.Add(connection);
        }

        listener.Accepted += First;
        listener.Accepted += Second;

        Connect(net, pc1, pc2);
        listener.Accepted -= First;
        Connect(net, pc1, pc2);
        listener.Accepted -= Second;
        Connect(net, pc1, pc2);
        Task<TcpConnection> third = listener.AcceptAsync();

        first.Should().HaveCount(1, "the first handler left before the second connection");
        second.Should().HaveCount(2);
        second[0].Should().BeSameAs(first[0]);
        third.IsCompletedSuccessfully.Should().BeTrue("with no handler left, the third connection waited to be accepted");
        second.Should().NotContain(await third);
        listener.OpenConnections.Should().Be(3);
    }

    [Fact]
    public void The_library_application_that_owns_a_listener_keeps_its_connections_while_handlers_come_and_go()
    {
        // The web server accepts as its listener's owner, out of a user's reach.
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var owned = new List<TcpConnection>();
        var listener = new TcpListener(pc2, 80) { Owner = owned.Add };
        listener.Start();
        var watched = new List<TcpConnection>();
        void Watch(object? sender, TcpConnection connection) => watched.Add(connection);

        listener.Accepted += Watch;
        Connect(net, pc1, pc2);
        listener.Accepted -= Watch;
        Connect(net, pc1, pc2);
        Task<TcpConnection> waiting = listener.AcceptAsync();
        Connect(net, pc1, pc2);

        owned.Should().HaveCount(3);
        watched.Should().Equal(owned[0]);
        waiting.IsCompleted.Should().BeFalse("the owner took every connection");
    }

    [Fact]
    public void Two_handlers_of_StateChanged_both_see_each_change_and_one_that_leaves_sees_no_more()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var listener = new TcpListener(pc2, 80, QuickTimeWait);
        listener.Start();
        var first = new List<TcpStateChange>();
        var second = new List<TcpStateChange>();
        net.Simulation.Start(async () =>
        {
            TcpConnection server = await listener.AcceptAsync();
            while (await server.ReadAsync(new byte[100]) > 0)
            {
            }

            await server.CloseAsync();
        });
        net.Simulation.Start(async () =>
        {
            TcpConnection client = await TcpConnection.ConnectAsync(pc1, pc2.Address, 80, QuickTimeWait);
            void First(object? sender, TcpStateChange change)
            {
                first.Add(change);
                if (change.Current == TcpState.FinWait2)
                {
                    client.StateChanged -= First; // leaves from inside its own call
                }
            }

            client.StateChanged += First;
            client.StateChanged += (sender, change) =>
            {
                sender.Should().BeSameAs(client);
                second.Add(change);
            };
            await client.CloseAsync();
        });
        net.Simulation.Run();

        first.Should().Equal(
            new TcpStateChange(TcpState.Established, TcpState.FinWait1),
            new TcpStateChange(TcpState.FinWait1, TcpState.FinWait2));
        second.Should().Equal(
            new TcpStateChange(TcpState.Established, TcpState.FinWait1),
            new TcpStateChange(TcpState.FinWait1, TcpState.FinWait2),
            new TcpStateChange(TcpState.FinWait2, TcpState.TimeWait),
            new TcpStateChange(TcpState.TimeWait, TcpState.Closed));
    }

    [Fact]
    public void Two_handlers_of_CongestionWindowChanged_both_hear_each_change_and_one_that_leaves_hears_no_more()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var listener = new TcpListener(pc2, 80);
        listener.Start();
        var first = new List<int>();
        var second = new List<int>();
        net.Simulation.Start(async () =>
        {
            TcpConnection server = await listener.AcceptAsync();
            while (await server.ReadAsync(new byte[65536]) > 0)
            {
            }
        });
        net.Simulation.Start(async () =>
        {
            TcpConnection client = await TcpConnection.ConnectAsync(pc1, pc2.Address, 80);
            void First(object? sender, EventArgs e)
            {
                first.Add(client.CongestionWindow);
                if (first.Count == 3)
                {
                    client.CongestionWindowChanged -= First;
                }
            }

            client.CongestionWindowChanged += First;
            client.CongestionWindowChanged += (sender, _) => second.Add(((TcpConnection)sender!).CongestionWindow);
            await client.WriteAsync(new byte[100_000]);
            await client.CloseAsync();
        });
        net.Simulation.Run();

        first.Should().HaveCount(3);
        second.Should().HaveCountGreaterThan(3, "slow start grows the window with every ACK of 100 kB");
        second.Take(3).Should().Equal(first, "both heard the first three changes");
    }
}
