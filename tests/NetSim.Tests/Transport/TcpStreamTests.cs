using System.Text;
using NetSim.Engine;
using NetSim.Tests.Ip;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;
using SocketError = System.Net.Sockets.SocketError;
using SocketException = System.Net.Sockets.SocketException;

namespace NetSim.Tests.Transport;

public class TcpStreamTests
{
    private static readonly TcpSettings QuickTimeWait = new() { MaximumSegmentLifetime = SimDuration.FromSeconds(1) };
    private static readonly string[] Lines = ["hello", "from a simulated", "network: é"];

    /// <summary>pc1 - r1 - pc2, a listener on pc2:7000.</summary>
    private static (Simulation Sim, Host Client, Host Server, TcpListener Listener) Pair(TcpSettings? serverSettings = null)
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var listener = new TcpListener(pc2, 7000, serverSettings ?? QuickTimeWait);
        listener.Start();
        return (net.Simulation, pc1, pc2, listener);
    }

    [Fact]
    public void Lines_written_with_a_StreamWriter_are_read_with_a_StreamReader_in_simulated_time_up_to_the_end_of_the_stream()
    {
        static (List<(SimTime At, string Line)> Written, List<(SimTime At, string Line)> Read, string End) RunOnce()
        {
            (Simulation sim, Host client, Host server, TcpListener listener) = Pair();
            var written = new List<(SimTime, string)>();
            var read = new List<(SimTime, string)>();
            string end = "";
            sim.Start(async () =>
            {
                TcpConnection connection = await listener.AcceptAsync();
                using var reader = new StreamReader(connection.GetStream());
                while (await reader.ReadLineAsync() is { } line)
                {
                    read.Add((sim.Now, line));
                }

                end = $"end of stream at {sim.Now}, server {connection.State}";
            });
            sim.Start(async () =>
            {
                TcpConnection connection = await TcpConnection.ConnectAsync(client, server.Address, 7000, QuickTimeWait);
                await using var writer = new StreamWriter(connection.GetStream()) { AutoFlush = true };
                foreach (string line in Lines)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(10), sim.TimeProvider);
                    written.Add((sim.Now, line));
                    await writer.WriteLineAsync(line);
                }
            });
            sim.Run();
            return (written, read, end);
        }

        (List<(SimTime At, string Line)> written, List<(SimTime At, string Line)> read, string end) = RunOnce();
        read.Select(r => r.Line).Should().Equal("hello", "from a simulated", "network: é");
        (written[1].At - written[0].At).Should().Be(SimDuration.FromMilliseconds(10));
        (written[2].At - written[1].At).Should().Be(SimDuration.FromMilliseconds(10));
        for (int i = 0; i < 3; i++)
        {
            (read[i].At - written[i].At).Should().BeGreaterThan(SimDuration.Zero).And.BeLessThan(SimDuration.FromMilliseconds(1), "a line arrives after it was written, within a millisecond over two 100 Mb/s hops");
        }

        end.Should().StartWith("end of stream at 30.").And.EndWith("server CloseWait", "the writer's disposal closed the client's side after the last line");
        (List<(SimTime, string)> written2, List<(SimTime, string)> read2, string end2) = RunOnce();
        read2.Should().Equal(read, "a run is a function of its inputs");
        end2.Should().Be(end);
    }

    [Fact]
    public void The_bytes_arrive_exactly_and_copying_the_stream_ends_at_the_peers_FIN()
    {
        (Simulation sim, Host client, Host server, TcpListener listener) = Pair();
        byte[] sent = [.. Enumerable.Range(0, 20_000).Select(i => unchecked((byte)(i * 7)))];
        var received = new MemoryStream();
        sim.Start(async () =>
        {
            TcpConnection connection = await listener.AcceptAsync();
            await using Stream stream = connection.GetStream();
            await stream.CopyToAsync(received);
        });
        sim.Start(async () =>
        {
            TcpConnection connection = await TcpConnection.ConnectAsync(client, server.Address, 7000, QuickTimeWait);
            await using Stream stream = connection.GetStream();
            await stream.WriteAsync(sent.AsMemory(0, 7));
#pragma warning disable CA1835 // the array overload is the one under test here
            await stream.WriteAsync(sent, 7, sent.Length - 7);
#pragma warning restore CA1835
            await stream.FlushAsync();
        });

        sim.Run();

        received.ToArray().Should().Equal(sent);
    }

    [Fact]
    public void A_write_larger_than_the_send_buffer_waits_in_simulated_time_for_acknowledgments()
    {
        (Simulation sim, Host client, Host server, TcpListener listener) = Pair();
        var settings = new TcpSettings { SendBufferSize = 4096, MaximumSegmentLifetime = SimDuration.FromSeconds(1) };
        byte[] sent = [.. Enumerable.Range(0, 100_000).Select(i => unchecked((byte)i))];
        var received = new MemoryStream();
        SimTime writeStarted = default;
        SimTime writeDone = default;
        SimTime readDone = default;
        sim.Start(async () =>
        {
            TcpConnection connection = await listener.AcceptAsync();
            await connection.GetStream().CopyToAsync(received);
            readDone = sim.Now;
        });
        sim.Start(async () =>
        {
            TcpConnection connection = await TcpConnection.ConnectAsync(client, server.Address, 7000, settings);
            await using Stream stream = connection.GetStream();
            writeStarted = sim.Now;
            await stream.WriteAsync(sent);
            writeDone = sim.Now;
        });

        sim.Run();

        received.ToArray().Should().Equal(sent);
        (writeDone - writeStarted).Should().BeGreaterThan(SimDuration.FromMilliseconds(7), "100 kB cross a 100 Mb/s link in 8 ms, and the write waits for all but the last 4 kB to be acknowledged");
        writeDone.Should().BeLessThan(readDone, "the write ends when its last byte is in the buffer, before it arrives");
    }

    [Fact]
    public void A_read_with_a_simulated_timeout_is_cancelled_at_the_timeout_and_loses_no_bytes()
    {
        (Simulation sim, Host client, Host server, TcpListener listener) = Pair();
        var log = new List<string>();
        sim.Start(async () =>
        {
            TcpConnection connection = await listener.AcceptAsync();
            using Stream stream = connection.GetStream();
            byte[] buffer = new byte[100];
            SimTime started = sim.Now;
            using (var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(50), sim.TimeProvider))
            {
                Func<Task> read = async () => _ = await stream.ReadAsync(buffer, timeout.Token);
                await read.Should().ThrowAsync<OperationCanceledException>();
                log.Add($"timed out after {sim.Now - started}");
            }

            int n = await stream.ReadAsync(buffer);
            log.Add($"{Encoding.ASCII.GetString(buffer, 0, n)} after {sim.Now - started}");
        });
        sim.Start(async () =>
        {
            TcpConnection connection = await TcpConnection.ConnectAsync(client, server.Address, 7000, QuickTimeWait);
            await Task.Delay(TimeSpan.FromMilliseconds(200), sim.TimeProvider);
            await using Stream stream = connection.GetStream();
            await stream.WriteAsync("late"u8.ToArray());
        });

        sim.Run();

        log.Should().HaveCount(2);
        log[0].Should().Be("timed out after 50 ms");
        log[1].Should().StartWith("late after 200");
    }

    [Fact]
    public void A_token_cancelled_before_the_call_reads_and_writes_nothing()
    {
        (Simulation sim, Host client, Host server, TcpListener listener) = Pair();
        long received = -1;
        Task? read = null;
        Task? write = null;
        sim.Start(async () =>
        {
            TcpConnection connection = await listener.AcceptAsync();
            byte[] buffer = new byte[100];
            while (await connection.ReadAsync(buffer) > 0)
            {
            }

            received = connection.BytesReceived;
        });
        sim.Start(async () =>
        {
            TcpConnection connection = await TcpConnection.ConnectAsync(client, server.Address, 7000, QuickTimeWait);
            using Stream stream = connection.GetStream();
            read = stream.ReadAsync(new byte[10], new CancellationToken(canceled: true)).AsTask();
            write = stream.WriteAsync(new byte[10], new CancellationToken(canceled: true)).AsTask();
        });

        sim.Run();

        read!.IsCanceled.Should().BeTrue();
        write!.IsCanceled.Should().BeTrue();
        received.Should().Be(0);
    }

    [Fact]
    public void Disposing_a_stream_that_owns_its_connection_sends_the_FIN_and_one_that_does_not_leaves_it_open()
    {
        (Simulation sim, Host client, Host server, TcpListener listener) = Pair();
        var states = new List<string>();
        sim.Start(async () =>
        {
            TcpConnection connection = await listener.AcceptAsync();
            await connection.GetStream(ownsConnection: false).DisposeAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(10), sim.TimeProvider);
            states.Add($"server {connection.State}");
            (await connection.ReadAsync(new byte[1])).Should().Be(0, "the client's stream closed the client's side");
            states.Add($"server {connection.State}");
            connection.GetStream().Dispose();
            await connection.Closed;
            states.Add($"server {connection.State}");
        });
        sim.Start(async () =>
        {
            TcpConnection connection = await TcpConnection.ConnectAsync(client, server.Address, 7000, QuickTimeWait);
            await Task.Delay(TimeSpan.FromMilliseconds(20), sim.TimeProvider);
            Stream stream = connection.GetStream();
            await stream.DisposeAsync();
            states.Add($"client {connection.State}");
            stream.CanRead.Should().BeFalse();
            stream.CanWrite.Should().BeFalse();
            Func<Task> read = async () => _ = await stream.ReadAsync(new byte[1]);
            await read.Should().ThrowAsync<ObjectDisposedException>();
        });

        sim.Run();

        states.Should().Equal("server Established", "client FinWait1", "server CloseWait", "server Closed");
    }

    [Fact]
    public void A_reset_comes_out_of_a_waiting_read_as_an_IOException_around_the_SocketException()
    {
        (Simulation sim, Host client, Host server, TcpListener listener) = Pair();
        Exception? caught = null;
        sim.Start(async () =>
        {
            TcpConnection connection = await listener.AcceptAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(5), sim.TimeProvider);
            connection.Abort();
        });
        sim.Start(async () =>
        {
            TcpConnection connection = await TcpConnection.ConnectAsync(client, server.Address, 7000, QuickTimeWait);
            using Stream stream = connection.GetStream();
            try
            {
                _ = await stream.ReadAsync(new byte[10]);
            }
            catch (IOException e)
            {
                caught = e;
            }
        });

        sim.Run();

        caught.Should().NotBeNull();
        caught!.InnerException.Should().BeOfType<SocketException>().Which.SocketErrorCode.Should().Be(SocketError.ConnectionReset);
    }

    [Fact]
    public void Synchronous_reads_and_writes_and_seeking_are_refused_with_a_reason()
    {
        (Simulation sim, Host client, Host server, TcpListener listener) = Pair();
        TcpStream? stream = null;
        sim.Start(async () => _ = await listener.AcceptAsync());
        sim.Start(async () => stream = (await TcpConnection.ConnectAsync(client, server.Address, 7000, QuickTimeWait)).GetStream());
        sim.Run();

        stream!.CanSeek.Should().BeFalse();
        stream.CanRead.Should().BeTrue();
        stream.CanWrite.Should().BeTrue();
        stream.Connection.State.Should().Be(TcpState.Established);
        Action read = () => _ = stream.Read(new byte[10], 0, 10);
        Action readSpan = () => _ = stream.Read(new byte[10].AsSpan());
        Action readByte = () => stream.ReadByte();
        Action write = () => stream.Write(new byte[10], 0, 10);
        Action writeSpan = () => stream.Write(new byte[10].AsSpan());
        Action length = () => _ = stream.Length;
        Action seek = () => stream.Seek(0, SeekOrigin.Begin);
        read.Should().Throw<NotSupportedException>().WithMessage("*cannot read synchronously*ReadAsync*");
        readSpan.Should().Throw<NotSupportedException>();
        readByte.Should().Throw<NotSupportedException>();
        write.Should().Throw<NotSupportedException>().WithMessage("*cannot write synchronously*WriteAsync*await using*");
        writeSpan.Should().Throw<NotSupportedException>();
        length.Should().Throw<NotSupportedException>();
        seek.Should().Throw<NotSupportedException>();
        stream.Flush();
    }
}
