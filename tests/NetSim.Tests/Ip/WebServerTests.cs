using System.Text;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Topology;
using NetSim.Transport;

namespace NetSim.Tests.Ip;

public class WebServerTests
{
    private static (IpTestNetwork Net, Host Client, WebServer Server) Setup()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var server = new WebServer(pc2);
        server.AddPage("/", "<h1>hello</h1>");
        server.AddPage("/about", "about us");
        server.Start();
        return (net, pc1, server);
    }

    /// <summary>Sends <paramref name="pieces"/> one after another (a delay apart), then reads everything until the server closes.</summary>
    private static string Exchange(IpTestNetwork net, Host client, WebServer server, params string[] pieces)
    {
        var received = new StringBuilder();
        net.Simulation.Start(async () =>
        {
            TcpConnection c = await TcpConnection.ConnectAsync(client, server.Node.Interfaces[0].Address, 80);
            foreach (string piece in pieces)
            {
                await c.WriteAsync(Encoding.ASCII.GetBytes(piece));
                await net.Simulation.Delay(SimDuration.FromMilliseconds(1));
            }

            byte[] buffer = new byte[4096];
            int n;
            while ((n = await c.ReadAsync(buffer)) > 0)
            {
                received.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            await c.CloseAsync();
        });
        net.Simulation.Run();
        return received.ToString();
    }

    [Fact]
    public void Two_requests_on_one_kept_alive_connection_then_connection_close()
    {
        (IpTestNetwork net, Host client, WebServer server) = Setup();
        string responses = Exchange(net, client, server,
            "GET / HTTP/1.1\r\nHost: www\r\n\r\n",
            "GET /about HTTP/1.1\r\nHost: www\r\nConnection: close\r\n\r\n");

        responses.Should().StartWith("HTTP/1.1 200 OK\r\n").And.Contain("<h1>hello</h1>HTTP/1.1 200 OK\r\n");
        responses.Should().Contain("Connection: close").And.EndWith("about us");
        server.Connections.Should().Be(1);
        server.RequestsServed.Should().Be(2);
    }

    [Fact]
    public void A_request_pipelined_after_connection_close_is_not_answered()
    {
        (IpTestNetwork net, Host client, WebServer server) = Setup();
        string responses = Exchange(net, client, server,
            "GET / HTTP/1.1\r\nHost: www\r\nConnection: close\r\n\r\nGET /about HTTP/1.1\r\nHost: www\r\n\r\n");

        responses.Should().StartWith("HTTP/1.1 200 OK\r\n").And.Contain("Connection: close").And.EndWith("<h1>hello</h1>", "RFC 9112, 9.6: no later request on the connection is served");
        server.RequestsServed.Should().Be(1);
    }

    [Fact]
    public void Connect_is_refused_and_the_connection_closed_without_reading_the_tunnel_as_a_request()
    {
        (IpTestNetwork net, Host client, WebServer server) = Setup();
        string responses = Exchange(net, client, server,
            "CONNECT www:443 HTTP/1.1\r\nHost: www:443\r\n\r\nGET /about HTTP/1.1\r\nHost: www\r\n\r\n");

        responses.Should().StartWith("HTTP/1.1 405 Method Not Allowed\r\n").And.Contain("Allow: GET, HEAD").And.Contain("Connection: close");
        responses.Should().NotContain("about us", "the bytes after a CONNECT's head are the tunnel's, not a request");
        responses.Split("HTTP/1.1 ").Should().HaveCount(2, "one response");
        server.MethodNotAllowed.Should().Be(1);
        server.RequestsServed.Should().Be(1);
    }

    [Fact]
    public void An_unknown_path_is_404()
    {
        (IpTestNetwork net, Host client, WebServer server) = Setup();
        string response = Exchange(net, client, server, "GET /missing HTTP/1.1\r\nHost: www\r\nConnection: close\r\n\r\n");
        response.Should().StartWith("HTTP/1.1 404 Not Found\r\n");
        server.NotFound.Should().Be(1);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost www\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n")]
    [InlineData("GARBAGE\r\n\r\n")]
    public void A_malformed_request_gets_400_and_the_connection_closes(string request)
    {
        (IpTestNetwork net, Host client, WebServer server) = Setup();
        string response = Exchange(net, client, server, request);
        response.Should().StartWith("HTTP/1.1 400 Bad Request\r\n").And.Contain("Connection: close");
        server.BadRequests.Should().Be(1);
    }

    [Fact]
    public void A_request_split_across_many_segments_is_answered_once_whole()
    {
        (IpTestNetwork net, Host client, WebServer server) = Setup();
        string request = "GET /about HTTP/1.1\r\nHost: www\r\nUser-Agent: test\r\nConnection: close\r\n\r\n";
        string response = Exchange(net, client, server, [.. request.Select(c => c.ToString())]);
        response.Should().StartWith("HTTP/1.1 200 OK\r\n").And.EndWith("about us");
        server.RequestsServed.Should().Be(1);
    }

    [Fact]
    public void Random_bytes_never_crash_the_server_and_it_keeps_serving()
    {
        (IpTestNetwork net, Host client, WebServer server) = Setup();
        var random = new Random(80);
        for (int i = 0; i < 30; i++)
        {
            byte[] junk = new byte[random.Next(1, 300)];
            random.NextBytes(junk);
            Exchange(net, client, server, Encoding.Latin1.GetString(junk));
        }

        Exchange(net, client, server, "GET / HTTP/1.1\r\nHost: www\r\nConnection: close\r\n\r\n").Should().StartWith("HTTP/1.1 200 OK");
        server.BadRequests.Should().BeGreaterThan(5, "most junk is refused; the rest waits for the end of a header that never comes");
    }

    [Fact]
    public void The_server_keeps_accepting_beyond_its_backlog_over_time()
    {
        (IpTestNetwork net, Host client, WebServer server) = Setup();
        for (int i = 0; i < 150; i++)
        {
            Exchange(net, client, server, "GET / HTTP/1.1\r\nHost: www\r\nConnection: close\r\n\r\n").Should().StartWith("HTTP/1.1 200 OK");
        }

        server.Connections.Should().Be(150, "connections handed to the server are not also queued for AcceptAsync, so the backlog of 128 never fills");
    }

    [Fact]
    public void Head_has_the_headers_of_get_and_no_body_and_other_methods_get_405_with_allow()
    {
        (IpTestNetwork net, Host client, WebServer server) = Setup();
        string responses = Exchange(net, client, server,
            "HEAD / HTTP/1.1\r\nHost: www\r\n\r\n",
            "HEAD /missing HTTP/1.1\r\nHost: www\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: www\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

        string[] parts = responses.Split("HTTP/1.1 ", StringSplitOptions.RemoveEmptyEntries);
        parts.Should().HaveCount(3);
        parts[0].Should().StartWith("200 OK").And.Contain("Content-Length: 14").And.EndWith("\r\n\r\n");
        parts[1].Should().StartWith("404 Not Found").And.EndWith("\r\n\r\n");
        parts[2].Should().StartWith("405 Method Not Allowed").And.Contain("Allow: GET, HEAD");
    }

    [Fact]
    public void An_absolute_form_target_is_served_by_its_path()
    {
        (IpTestNetwork net, Host client, WebServer server) = Setup();
        Exchange(net, client, server, "GET http://www/about HTTP/1.1\r\nHost: www\r\nConnection: close\r\n\r\n").Should().EndWith("about us");
    }
}
