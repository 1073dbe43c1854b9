using System.Globalization;
using NetSim.Engine;
using NetSim.Ip;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Applications;

/// <summary>One step of a web visit, with when it started and ended in simulated time.</summary>
/// <param name="Name">"DNS lookup", "TCP connect", "HTTP request and response", "TCP close".</param>
/// <param name="Started">When the step began.</param>
/// <param name="Ended">When it was over.</param>
/// <param name="Outcome">What happened, in words.</param>
public sealed record WebVisitStep(string Name, SimTime Started, SimTime Ended, string Outcome)
{
    /// <summary>How long the step took.</summary>
    public SimDuration Duration => Ended - Started;

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name,-26} {Duration,12}  {Outcome}");
}

/// <summary>What a <see cref="WebBrowser"/> visit did: its steps, and the response when there was one.</summary>
/// <param name="Url">The address visited.</param>
/// <param name="Steps">The steps, in order (fewer when one failed).</param>
/// <param name="Response">The server's response, or null when the visit failed before it.</param>
/// <param name="Error">Why the visit failed, or null.</param>
public sealed record WebVisit(Uri Url, IReadOnlyList<WebVisitStep> Steps, HttpResponse? Response, string? Error)
{
    /// <summary>True when every step succeeded.</summary>
    public bool Succeeded => Error is null;

    /// <summary>From the first step's start to the last step's end.</summary>
    public SimDuration Duration => Steps.Count == 0 ? SimDuration.Zero : Steps[^1].Ended - Steps[0].Started;
}

/// <summary>
/// A browser on a host: visiting a URL is exactly the four steps of the lesson. Resolve the
/// name with DNS; open TCP with the three-way handshake; send the HTTP GET and read the
/// response; close TCP with the four-way wave (the browser closes first). Each step is
/// reported with its simulated times.
/// </summary>
public sealed class WebBrowser
{
    /// <summary>Creates a browser on <paramref name="host"/> that resolves names with <paramref name="resolver"/>.</summary>
    public WebBrowser(IpNode host, DnsResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(resolver);
        Host = host;
        Resolver = resolver;
    }

    /// <summary>The host it runs on.</summary>
    public IpNode Host { get; }

    /// <summary>Its DNS resolver.</summary>
    public DnsResolver Resolver { get; }

    /// <summary>The User-Agent header sent.</summary>
    public string UserAgent { get; set; } = "NetSim-Browser/0.1";

    /// <summary>Visits <paramref name="url"/> (http only) on simulated time.</summary>
    /// <exception cref="ArgumentException">The URL is not an absolute http URL.</exception>
    public async Task<WebVisit> VisitAsync(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"'{url}' is not an http URL such as http://www.example.com/.", nameof(url));
        }

        Simulation sim = Host.Simulation;
        var steps = new List<WebVisitStep>();

        if (uri.Port is <= 0 or > ushort.MaxValue)
        {
            throw new ArgumentException($"'{url}' has no usable port.", nameof(url));
        }

        // 1. DNS: the name to an address (an address in the URL needs none).
        SimTime started = sim.Now;
        if (Ipv4Address.TryParse(uri.IdnHost, out Ipv4Address literal))
        {
            steps.Add(new WebVisitStep("DNS lookup", started, sim.Now, $"{literal} is an address: nothing to look up"));
            return await VisitAddressAsync(uri, literal, steps);
        }

        DnsResolution resolution = await Resolver.ResolveAsync(uri.IdnHost);
        if (resolution.Status != DnsResolutionStatus.Success)
        {
            steps.Add(new WebVisitStep("DNS lookup", started, sim.Now, $"{uri.IdnHost}: {resolution.Status}"));
            return new WebVisit(uri, steps, null, $"DNS lookup of {uri.IdnHost} failed: {resolution.Status}");
        }

        string chain = resolution.CanonicalName.Equals(uri.IdnHost, StringComparison.OrdinalIgnoreCase) ? "" : $" (via CNAME {resolution.CanonicalName})";
        steps.Add(new WebVisitStep("DNS lookup", started, sim.Now, $"{uri.IdnHost} is {resolution.Address}{chain}{(resolution.FromCache ? ", from the cache" : "")}"));
        return await VisitAddressAsync(uri, resolution.Address, steps);
    }

    // In the words a browser's error page uses (and strerror's: "No route to host" is EHOSTUNREACH).
    private static string Describe(System.Net.Sockets.SocketError error) => error switch
    {
        System.Net.Sockets.SocketError.HostUnreachable => "host unreachable",
        System.Net.Sockets.SocketError.NetworkUnreachable => "network unreachable",
        System.Net.Sockets.SocketError.ConnectionRefused => "connection refused",
        System.Net.Sockets.SocketError.TimedOut => "timed out",
        System.Net.Sockets.SocketError.ConnectionReset => "connection reset",
        _ => error.ToString(),
    };

    private async Task<WebVisit> VisitAddressAsync(Uri uri, Ipv4Address address, List<WebVisitStep> steps)
    {
        Simulation sim = Host.Simulation;

        // 2. TCP: the three-way handshake.
        SimTime started = sim.Now;
        TcpConnection connection;
        try
        {
            connection = await TcpConnection.ConnectAsync(Host, address, (ushort)uri.Port);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            steps.Add(new WebVisitStep("TCP connect", started, sim.Now, Describe(e.SocketErrorCode)));
            return new WebVisit(uri, steps, null, string.Create(CultureInfo.InvariantCulture, $"TCP connect to {address}:{uri.Port} failed: {Describe(e.SocketErrorCode)}"));
        }

        steps.Add(new WebVisitStep("TCP connect", started, sim.Now, string.Create(CultureInfo.InvariantCulture, $"SYN, SYN-ACK, ACK with {address}:{uri.Port} from port {connection.LocalPort}")));
        try
        {
            // 3. HTTP: the request, and the response read to its end.
            started = sim.Now;
            var request = new HttpRequest("GET", uri.PathAndQuery);
            request.Headers.Add("Host", uri.IsDefaultPort ? uri.IdnHost : string.Create(CultureInfo.InvariantCulture, $"{uri.IdnHost}:{uri.Port}"));
            request.Headers.Add("User-Agent", UserAgent);
            request.Headers.Add("Accept", "*/*");
            if (Host.Network.Tracer.IsOn)
            {
                ApplicationTrace.Http(Host, ApplicationEventKind.HttpRequestSent, address, request.Method, request.Target, bodyLength: request.Body.Length);
            }

            await connection.WriteAsync(request.ToBytes());
            HttpResponse? response = await ReadResponseAsync(connection);
            if (response is not null && Host.Network.Tracer.IsOn)
            {
                ApplicationTrace.Http(Host, ApplicationEventKind.HttpResponseReceived, address, request.Method, request.Target, response);
            }

            if (response is null)
            {
                steps.Add(new WebVisitStep("HTTP request and response", started, sim.Now, "no valid response"));
                return new WebVisit(uri, steps, null, "the server's response could not be read");
            }

            steps.Add(new WebVisitStep("HTTP request and response", started, sim.Now, string.Create(CultureInfo.InvariantCulture, $"GET {uri.PathAndQuery} -> {response.StatusCode} {response.ReasonPhrase}, {response.Body.Length} bytes")));

            // 4. TCP: the four-way wave, the browser first (unless the server already closed).
            started = sim.Now;
            bool serverFirst = connection.State == TcpState.CloseWait;
            await connection.CloseAsync(); // our FIN, and its ACK
            byte[] rest = new byte[1];
            while (await connection.ReadAsync(rest) > 0)
            {
            }

            steps.Add(new WebVisitStep("TCP close", started, sim.Now, serverFirst
                ? $"the server closed first (FIN, ACK), then we did (FIN, ACK); the connection is {connection.State}"
                : $"FIN, ACK, FIN, ACK; the connection waits in {connection.State}"));
            return new WebVisit(uri, steps, response, null);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            steps.Add(new WebVisitStep(steps.Count == 2 ? "HTTP request and response" : "TCP close", started, sim.Now, e.SocketErrorCode.ToString()));
            return new WebVisit(uri, steps, null, $"the connection failed: {e.SocketErrorCode}");
        }
        finally
        {
            if (connection.State is not (TcpState.Closed or TcpState.TimeWait))
            {
                connection.Abort(); // whatever went wrong, nothing is left half open
            }
        }
    }

    private static async Task<HttpResponse?> ReadResponseAsync(TcpConnection connection)
    {
        var parser = new HttpResponseParser();
        byte[] buffer = new byte[8192];
        while (true)
        {
            int read = await connection.ReadAsync(buffer);
            if (read == 0)
            {
                return parser.Finish() == HttpParseStatus.Complete ? parser.Response : null;
            }

            for (int offset = 0; offset < read;)
            {
                HttpParseStatus status = parser.Feed(buffer.AsSpan(offset, read - offset), out int consumed);
                offset += consumed;
                if (status is HttpParseStatus.Error or HttpParseStatus.ConnectionEnded)
                {
                    return null; // ConnectionEnded cannot follow an interim response; nothing more is read
                }

                if (status == HttpParseStatus.NeedMoreData)
                {
                    break;
                }

                if (parser.Response!.StatusCode is < 100 or > 199 or 101)
                {
                    return parser.Response;
                }

                // An interim 1xx response (RFC 9110, 15.2): the final one follows.
            }
        }
    }
}
