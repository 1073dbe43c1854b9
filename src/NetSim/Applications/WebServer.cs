using System.Text;
using NetSim.Engine;
using NetSim.Ip;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Applications;

/// <summary>
/// A web server (HTTP/1.1, RFC 9112) on TCP port 80 of a node: configured routes from a
/// path to a status, headers and body; 404 for other paths; 400 (or the status the parser
/// names) for a malformed request, after which it closes. Connections persist between
/// requests unless the request says "Connection: close" (or is HTTP/1.0 without
/// keep-alive): then requests pipelined after it are not answered. The server does not
/// tunnel: CONNECT gets 405 like other methods but GET and HEAD, and the connection closes.
/// The server closes its side when the client closes.
/// </summary>
public sealed class WebServer : IDisposable
{
    private readonly Dictionary<string, HttpResponse> routes = new(StringComparer.Ordinal);
    private TcpListener? listener;

    /// <summary>Creates a server on <paramref name="node"/> (it serves once <see cref="Start"/> is called).</summary>
    public WebServer(IpNode node, ushort port = 80)
    {
        ArgumentNullException.ThrowIfNull(node);
        Node = node;
        Port = port;
    }

    /// <summary>The node it runs on.</summary>
    public IpNode Node { get; }

    /// <summary>Its TCP port (80).</summary>
    public ushort Port { get; }

    /// <summary>Connections accepted.</summary>
    public long Connections { get; private set; }

    /// <summary>Requests answered (any status).</summary>
    public long RequestsServed { get; private set; }

    /// <summary>Requests for a path with no route (answered 404).</summary>
    public long NotFound { get; private set; }

    /// <summary>Requests with a method other than GET and HEAD (answered 405; after CONNECT the connection closes).</summary>
    public long MethodNotAllowed { get; private set; }

    /// <summary>Malformed requests (answered 400 or the like, then the connection closed).</summary>
    public long BadRequests { get; private set; }

    /// <summary>Connections that ended by an error (a reset, a timeout).</summary>
    public long ConnectionErrors { get; private set; }

    /// <summary>Connections closed because no request came within <see cref="KeepAliveTimeout"/>.</summary>
    public long IdleTimeouts { get; private set; }

    /// <summary>Requests answered 408 because they did not arrive whole within <see cref="RequestHeadersTimeout"/>.</summary>
    public long RequestTimeouts { get; private set; }

    /// <summary>How long a connection may wait for the first byte of a request before the server closes it (default 130 s, Kestrel's KeepAliveTimeout).</summary>
    public SimDuration KeepAliveTimeout { get; init; } = SimDuration.FromSeconds(130);

    /// <summary>
    /// How long a request may take to arrive from its first byte (default 30 s, Kestrel's
    /// RequestHeadersTimeout; here it covers the body too, which Kestrel bounds by a data rate).
    /// Then the server answers 408 Request Timeout and closes.
    /// </summary>
    public SimDuration RequestHeadersTimeout { get; init; } = SimDuration.FromSeconds(30);

    /// <summary>How many connections the server holds open at once (default 10,000); further SYNs are ignored.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>Serves <paramref name="body"/> with <paramref name="status"/> at <paramref name="path"/>.</summary>
    public void AddRoute(string path, int status, string contentType, ReadOnlyMemory<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        routes[path] = HttpResponse.Create(status, contentType, body);
    }

    /// <summary>Serves the text <paramref name="body"/> (UTF-8) with status 200 at <paramref name="path"/>.</summary>
    public void AddPage(string path, string body, string contentType = "text/html; charset=utf-8") =>
        AddRoute(path, 200, contentType, Encoding.UTF8.GetBytes(body));

    /// <summary>Starts listening and serving.</summary>
    public void Start()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(KeepAliveTimeout, SimDuration.Zero, nameof(KeepAliveTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestHeadersTimeout, SimDuration.Zero, nameof(RequestHeadersTimeout));
        listener = new TcpListener(Node, Port)
        {
            MaxConnections = MaxConnections,
            Owner = connection =>
            {
                Connections++;
                Node.Simulation.Start(() => ServeAsync(connection)); // an application of its own: a bug in it stops the run, loudly
            },
        };
        listener.Start();
    }

    /// <summary>Stops accepting connections and frees the port; connections already open go on.</summary>
    public void Dispose() => listener?.Stop();

    /// <summary>The response for <paramref name="request"/>: its route's, or 404.</summary>
    public HttpResponse Respond(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string path = PathOf(request.Target);
        HttpResponse response;
        if (request.Method is not ("GET" or "HEAD"))
        {
            MethodNotAllowed++;
            response = HttpResponse.Create(405, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes($"405 Method Not Allowed: {request.Method}\n"));
            response.Headers.Add("Allow", "GET, HEAD"); // RFC 9110, 15.5.6
            return response;
        }

        if (!routes.TryGetValue(path, out HttpResponse? page))
        {
            NotFound++;
            page = HttpResponse.Create(404, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes($"404 Not Found: {path}\n"));
        }

        return request.Method == "GET" ? page : Copy(page, withBody: false); // HEAD: the same headers, no body (RFC 9110, 9.3.2)
    }

    // The path of an origin-form ("/a?b") or absolute-form ("http://host/a?b", RFC 9112, 3.2.2) target.
    private static string PathOf(string target)
    {
        if (!target.StartsWith('/') && Uri.TryCreate(target, UriKind.Absolute, out Uri? absolute))
        {
            return absolute.AbsolutePath;
        }

        return target.Split('?', 2)[0];
    }

    // A copy to change (the routes' responses are shared between requests): with or without the body, headers kept.
    private static HttpResponse Copy(HttpResponse response, bool withBody)
    {
        var copy = new HttpResponse(response.StatusCode, response.ReasonPhrase);
        foreach (KeyValuePair<string, string> header in response.Headers)
        {
            copy.Headers.Add(header.Key, header.Value);
        }

        if (withBody)
        {
            copy.Body = response.Body;
        }

        return copy;
    }

    private async Task ServeAsync(TcpConnection connection)
    {
        var parser = new HttpRequestParser();
        byte[] buffer = new byte[4096];
        var timer = new ConnectionTimer(this, connection);
        timer.WaitForRequest();
        try
        {
            while (true)
            {
                int read = await connection.ReadAsync(buffer);
                if (read == 0 || timer.Expired)
                {
                    break; // the client closed, or the server gave up on it: close
                }

                timer.RequestStarted();
                int offset = 0;
                while (offset < read)
                {
                    HttpParseStatus status = parser.Feed(buffer.AsSpan(offset, read - offset), out int consumed);
                    offset += consumed;
                    if (status == HttpParseStatus.Error)
                    {
                        BadRequests++;
                        HttpResponse error = HttpResponse.Create(HttpRequestParser.StatusCodeFor(parser.Error), "text/plain; charset=utf-8", Encoding.UTF8.GetBytes($"{parser.Error}\n"));
                        error.Headers.Set("Connection", "close");
                        RequestsServed++;
                        timer.Stop();
                        await connection.WriteAsync(error.ToBytes());
                        await connection.CloseAsync();
                        return;
                    }

                    if (status == HttpParseStatus.NeedMoreData)
                    {
                        break;
                    }

                    HttpRequest request = parser.Request!;
                    HttpResponse response = Respond(request);
                    RequestsServed++;
                    if (Node.Network.Tracer.IsOn)
                    {
                        ApplicationTrace.Http(Node, ApplicationEventKind.HttpRequestReceived, connection.RemoteAddress, request.Method, request.Target, bodyLength: request.Body.Length);
                        ApplicationTrace.Http(Node, ApplicationEventKind.HttpResponseSent, connection.RemoteAddress, request.Method, request.Target, response);
                    }

                    timer.Stop(); // no timeout while the answer is written (a slow reader is TCP's to bound)

                    if (parser.IsConnectionEnded)
                    {
                        // The request closes the connection, and no later request on it is served
                        // (RFC 9112, 9.6); or it is a CONNECT, refused (405), whose next bytes would
                        // be a tunnel's, not a request (RFC 9110, 9.3.6). Either way: answer, close.
                        HttpResponse closing = Copy(response, withBody: request.Method != "HEAD");
                        closing.Headers.Set("Connection", "close");
                        await connection.WriteAsync(closing.ToBytes());
                        await connection.CloseAsync();
                        return;
                    }

                    await connection.WriteAsync(response.ToBytes());
                    timer.WaitForRequest();
                    if (offset < read)
                    {
                        timer.RequestStarted(); // the next request's bytes are here already
                    }
                }
            }

            await connection.CloseAsync();
        }
        catch (System.Net.Sockets.SocketException)
        {
            ConnectionErrors++; // reset or timed out: nothing left to answer
        }
        catch (InvalidOperationException)
        {
            ConnectionErrors++; // the peer went away while we wrote
        }
        finally
        {
            timer.Stop();
        }
    }

    /// <summary>
    /// The timeouts of one connection: waiting for a request (keep-alive) and receiving one.
    /// One event at a time; a deadline that moved later since it was scheduled is waited for
    /// when the event runs, so the timer costs an event per timeout, not per request.
    /// </summary>
    private sealed class ConnectionTimer(WebServer server, TcpConnection connection) : IEventTarget
    {
        private SimTime deadline;
        private SimTime scheduledAt; // when the pending event runs: the deadline may have moved later since
        private bool receivingRequest;
        private EventHandle pending;

        public bool Expired { get; private set; }

        private Simulation Simulation => server.Node.Simulation;

        public void WaitForRequest()
        {
            receivingRequest = false;
            Arm(server.KeepAliveTimeout);
        }

        public void RequestStarted()
        {
            if (!receivingRequest)
            {
                receivingRequest = true;
                Arm(server.RequestHeadersTimeout);
            }
        }

        public void Stop() => Simulation.Cancel(pending);

        void IEventTarget.OnEvent(int kind, long argument)
        {
            if (Expired)
            {
                return;
            }

            if (Simulation.Now < deadline)
            {
                Schedule();
                return;
            }

            Expired = true;
            if (receivingRequest)
            {
                server.RequestTimeouts++;
                server.RequestsServed++;
                HttpResponse timeout = HttpResponse.Create(408, "text/plain; charset=utf-8", "408 Request Timeout\n"u8.ToArray());
                timeout.Headers.Set("Connection", "close"); // RFC 9110, 15.5.9: the server closes
                if (!connection.TryWrite(timeout.ToBytes()))
                {
                    connection.Abort(); // no room for the answer behind what the client has not read: reset
                    return;
                }
            }
            else
            {
                server.IdleTimeouts++;
            }

            _ = connection.CloseAsync(); // the waiting read ends when the client closes, or when the close times out
        }

        private void Arm(SimDuration timeout)
        {
            deadline = Simulation.Now + timeout;
            if (!Simulation.IsPending(pending))
            {
                Schedule();
            }
            else if (deadline < scheduledAt)
            {
                Simulation.Cancel(pending);
                Schedule();
            }
        }

        private void Schedule()
        {
            scheduledAt = deadline;
            pending = Simulation.ScheduleAt(deadline, this);
        }
    }
}
