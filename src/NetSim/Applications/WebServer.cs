using System.Text;
using NetSim.Stack;
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
        listener = new TcpListener(Node, Port);
        listener.Start();
        listener.Accepted = connection =>
        {
            Connections++;
            Node.Simulation.Start(() => ServeAsync(connection)); // an application of its own: a bug in it stops the run, loudly
        };
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
        try
        {
            while (true)
            {
                int read = await connection.ReadAsync(buffer);
                if (read == 0)
                {
                    break; // the client closed: so do we
                }

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
    }
}
