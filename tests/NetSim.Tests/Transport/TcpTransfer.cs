using NetSim.Tests.Ip;
using NetSim.Topology;
using NetSim.Transport;

namespace NetSim.Tests.Transport;

/// <summary>A whole transfer between two hosts of a test network: connect, write, close, and read everything on the far side.</summary>
internal static class TcpTransfer
{
    /// <summary>Sends <paramref name="data"/> from <paramref name="from"/> to a listener on <paramref name="to"/> (both ends with <paramref name="settings"/>), runs the simulation to its end, and returns the sender and the bytes read.</summary>
    public static (TcpConnection Sender, byte[] Received) Run(IpTestNetwork net, Host from, Host to, TcpSettings settings, byte[] data)
    {
        var listener = new TcpListener(to, 5000, settings);
        listener.Start();
        var received = new MemoryStream();
        TcpConnection? sender = null;
        net.Simulation.Start(async () =>
        {
            TcpConnection s = await listener.AcceptAsync();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = await s.ReadAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, n);
            }

            await s.CloseAsync();
        });
        net.Simulation.Start(async () =>
        {
            sender = await TcpConnection.ConnectAsync(from, to.Address, 5000, settings);
            await sender.WriteAsync(data);
            await sender.CloseAsync();
        });
        net.Simulation.Run();
        return (sender ?? throw new InvalidOperationException("The connection did not open."), received.ToArray());
    }
}
