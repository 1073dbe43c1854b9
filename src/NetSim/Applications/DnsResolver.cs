using System.Globalization;
using System.Text;
using NetSim.Engine;
using NetSim.Ip;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Applications;

/// <summary>How a name resolution ended.</summary>
public enum DnsResolutionStatus
{
    /// <summary>The name has addresses.</summary>
    Success,

    /// <summary>The server says the name does not exist (NXDOMAIN).</summary>
    NameError,

    /// <summary>The name exists but has no address (an empty answer).</summary>
    NoAddress,

    /// <summary>No answer came after every attempt.</summary>
    Timeout,

    /// <summary>The server answered with an error (SERVFAIL, REFUSED, FORMERR, ...), or the answer could not be used.</summary>
    ServerFailure,
}

/// <summary>What a <see cref="DnsResolver"/> found for a name.</summary>
/// <param name="Name">The name asked for.</param>
/// <param name="Status">How it ended.</param>
/// <param name="CanonicalName">The name the CNAME chain ends at (the name itself without CNAMEs).</param>
/// <param name="Addresses">The addresses found.</param>
/// <param name="TimeToLive">How long the answer may be cached: the smallest TTL of its records.</param>
/// <param name="FromCache">True when no query was sent: the cache had the answer.</param>
/// <param name="Queries">Queries sent (retries and CNAME follow-ups included).</param>
/// <param name="Duration">Simulated time from the call to the answer.</param>
public sealed record DnsResolution(string Name, DnsResolutionStatus Status, string CanonicalName, IReadOnlyList<Ipv4Address> Addresses, uint TimeToLive, bool FromCache, int Queries, SimDuration Duration)
{
    /// <summary>The first address; throws when there is none.</summary>
    /// <exception cref="InvalidOperationException">The resolution found no address.</exception>
    public Ipv4Address Address => Addresses.Count > 0 ? Addresses[0] : throw new InvalidOperationException($"{Name} did not resolve: {Status}.");

    /// <summary>
    /// The resolution on one line, as <c>host</c> prints it and then how it was found:
    /// "www.example.com is an alias for example.com; example.com has address 93.184.216.34
    /// (TTL 300 s, 2 queries, 20 ms)", "nowhere.example: no such name (NXDOMAIN) (1 query, 10 ms)" or
    /// "example.com has address 93.184.216.34 (TTL 300 s, from the cache)".
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        if (!string.Equals(CanonicalName, Name, StringComparison.OrdinalIgnoreCase))
        {
            text.Append(CultureInfo.InvariantCulture, $"{Name} is an alias for {CanonicalName}; ");
        }

        if (Addresses.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{CanonicalName} has address{(Addresses.Count > 1 ? "es" : "")} {string.Join(", ", Addresses)} (TTL {TimeToLive} s, ");
        }
        else
        {
            string outcome = Status switch
            {
                DnsResolutionStatus.NameError => "no such name (NXDOMAIN)",
                DnsResolutionStatus.NoAddress => "no address",
                DnsResolutionStatus.Timeout => "no answer (timed out)",
                DnsResolutionStatus.ServerFailure => "server failure",
                _ => Status.ToString(),
            };
            text.Append(CultureInfo.InvariantCulture, $"{(text.Length > 0 ? CanonicalName : Name)}: {outcome} (");
        }

        text.Append(FromCache ? "from the cache)" : string.Create(CultureInfo.InvariantCulture, $"{Queries} quer{(Queries == 1 ? "y" : "ies")}, {Duration})"));
        return text.ToString();
    }
}

/// <summary>
/// A stub resolver (RFC 1035, 7; RFC 1123, 6.1.3): asks one configured server, over UDP,
/// for a name's A records. Each query has a random identifier from the seeded stream and a
/// random source port; an unanswered query is sent again after <see cref="Timeout"/>, up to
/// <see cref="Attempts"/> times. Answers are cached for their TTL, and CNAME chains are
/// followed (asking again for the target when the server did not include it).
/// </summary>
public sealed class DnsResolver
{
    private const int MaxChain = 8;
    private const uint MaxTimeToLive = 604_800; // one week: RFC 1035, 7.3, suggests bounding what is cached

    private readonly IpNode node;
    private readonly Dictionary<string, (DnsResolution Answer, SimTime Expires)> cache = new(StringComparer.OrdinalIgnoreCase);
    private readonly RandomSource random;

    /// <summary>Creates a resolver on <paramref name="node"/> that asks <paramref name="server"/>.</summary>
    public DnsResolver(IpNode node, Ipv4Address server, ushort serverPort = 53)
    {
        ArgumentNullException.ThrowIfNull(node);
        this.node = node;
        Server = server;
        ServerPort = serverPort;
        random = CreateRandomSource(node);
    }

    /// <summary>The DNS server asked.</summary>
    public Ipv4Address Server { get; }

    /// <summary>The server's port (53).</summary>
    public ushort ServerPort { get; }

    /// <summary>How long to wait for each answer (default 2 s).</summary>
    public SimDuration Timeout { get; set; } = SimDuration.FromSeconds(2);

    /// <summary>How many times to send a query before giving up (default 3).</summary>
    public int Attempts { get; set; } = 3;

    /// <summary>Queries sent so far.</summary>
    public long QueriesSent { get; private set; }

    /// <summary>Resolutions answered from the cache.</summary>
    public long CacheHits { get; private set; }

    /// <summary>Forgets every cached answer.</summary>
    public void ClearCache() => cache.Clear();

    /// <summary>Finds the addresses of <paramref name="name"/>, from the cache or by asking the server, in simulated time.</summary>
    /// <exception cref="ArgumentException">The name is not a valid domain name.</exception>
    public async Task<DnsResolution> ResolveAsync(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(Attempts, 1, nameof(Attempts));
        SimTime start = node.Simulation.Now;
        if (cache.TryGetValue(name, out (DnsResolution Answer, SimTime Expires) hit) && hit.Expires > start)
        {
            CacheHits++;
            uint left = (uint)((hit.Expires - start).Picoseconds / 1_000_000_000_000);
            return hit.Answer with { TimeToLive = left, FromCache = true, Queries = 0, Duration = SimDuration.Zero };
        }

        string current = name;
        var visited = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { name.TrimEnd('.') };
        var addresses = new List<Ipv4Address>();
        uint ttl = uint.MaxValue;
        int queries = 0;
        for (int hop = 0; hop <= MaxChain; hop++)
        {
            (DnsMessage? response, int sent) = await QueryAsync(current);
            queries += sent;
            if (response is null)
            {
                return Finish(name, DnsResolutionStatus.Timeout, current, addresses, 0, queries, start);
            }

            if (response.ResponseCode == DnsResponseCode.NameError)
            {
                return Finish(name, DnsResolutionStatus.NameError, current, addresses, 0, queries, start);
            }

            if (response.ResponseCode != DnsResponseCode.NoError)
            {
                return Finish(name, DnsResolutionStatus.ServerFailure, current, addresses, 0, queries, start);
            }

            // Walk the answer: CNAMEs from the current name on (never twice through a name: RFC
            // 1034, 3.6.2, warns of loops), then its A records.
            bool moved = true;
            while (moved)
            {
                moved = false;
                foreach (DnsRecord record in response.Answers)
                {
                    if (record.Type == DnsType.CNAME && DnsMessage.NamesEqual(record.Name, current) && record.Target is { } target)
                    {
                        if (!visited.Add(target) || visited.Count > MaxChain + 1)
                        {
                            return Finish(name, DnsResolutionStatus.ServerFailure, current, addresses, 0, queries, start); // a CNAME loop
                        }

                        current = target;
                        ttl = Math.Min(ttl, Ttl(record.TimeToLive));
                        moved = true;
                        break;
                    }
                }
            }

            foreach (DnsRecord record in response.Answers)
            {
                if (record.Type == DnsType.A && record.Class == DnsClass.IN && DnsMessage.NamesEqual(record.Name, current))
                {
                    addresses.Add(record.Address);
                    ttl = Math.Min(ttl, Ttl(record.TimeToLive));
                }
            }

            if (addresses.Count > 0)
            {
                return Finish(name, DnsResolutionStatus.Success, current, addresses, ttl, queries, start);
            }

            if (DnsMessage.NamesEqual(current, response.Questions.Count > 0 ? response.Questions[0].Name : name))
            {
                return Finish(name, DnsResolutionStatus.NoAddress, current, addresses, 0, queries, start);
            }

            // The chain went on to a name the answer did not cover: ask for it (RFC 1034, 5.3.3).
        }

        return Finish(name, DnsResolutionStatus.ServerFailure, current, addresses, 0, queries, start);
    }

    private DnsResolution Finish(string name, DnsResolutionStatus status, string canonical, List<Ipv4Address> addresses, uint ttl, int queries, SimTime start)
    {
        ttl = status == DnsResolutionStatus.Success ? Math.Min(ttl, MaxTimeToLive) : 0;
        var answer = new DnsResolution(name, status, canonical, addresses, ttl, false, queries, node.Simulation.Now - start);
        SimDuration lifetime = SimDuration.FromSeconds(ttl);
        if (ttl > 0 && SimTime.MaxValue - node.Simulation.Now > lifetime)
        {
            cache[name] = (answer, node.Simulation.Now + lifetime);
        }

        return answer;
    }

    // RFC 2181, 8: a TTL with the top bit set is taken as 0.
    private static uint Ttl(uint timeToLive) => timeToLive > int.MaxValue ? 0 : timeToLive;

    // Each resolver draws from a stream of its own; a node may have several resolvers.
    private static RandomSource CreateRandomSource(IpNode node)
    {
        for (int instance = 0; ; instance++)
        {
            try
            {
                return node.Simulation.CreateRandomSource(instance == 0 ? $"{node.Name}/dns-resolver" : string.Create(CultureInfo.InvariantCulture, $"{node.Name}/dns-resolver/{instance}"));
            }
            catch (ArgumentException) when (instance < 1000)
            {
                // taken by another resolver of this node: try the next name
            }
        }
    }

    private void BindRandomPort(UdpSocket socket)
    {
        for (int tries = 0; tries < 64; tries++)
        {
            ushort port = (ushort)(49152 + random.NextInt64(16384));
            try
            {
                socket.Bind(port);
                return;
            }
            catch (InvalidOperationException)
            {
                // taken: draw again
            }
        }

        socket.Bind(); // a crowded node: the next free one
    }

    /// <summary>Sends a query for <paramref name="name"/> until an answer with its id comes from the server, or the attempts run out.</summary>
    private async Task<(DnsMessage? Response, int Sent)> QueryAsync(string name)
    {
        using var socket = new UdpSocket(node);
        BindRandomPort(socket); // a random port and a random id per query, against spoofed answers (RFC 5452)
        ushort id = unchecked((ushort)random.NextUInt32());
        byte[] query = DnsMessage.Query(id, name, DnsType.A).ToArray();
        var answered = new TaskCompletionSource<DnsMessage?>(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.Owner = (_, from, port, data) =>
        {
            // RFC 1035, 7.3: the id first, then the question must be the one asked.
            if (from == Server && port == ServerPort && DnsMessage.TryParse(data, out DnsMessage? message) == WireError.None
                && message!.IsResponse && message.Id == id && message.Opcode == 0 && message.Questions.Count == 1
                && DnsMessage.NamesEqual(message.Questions[0].Name, name) && message.Questions[0].Type == DnsType.A)
            {
                if (node.Network.Tracer.IsOn)
                {
                    ApplicationTrace.Dns(node, ApplicationEventKind.DnsAnswerReceived, from, message);
                }

                // No TCP fallback here: a truncated answer is as good as none.
                answered.TrySetResult(message.IsTruncated ? message.CreateResponse(DnsResponseCode.ServerFailure) : message);
            }
        };

        for (int attempt = 1; attempt <= Attempts; attempt++)
        {
            QueriesSent++;
            if (node.Network.Tracer.IsOn)
            {
                node.Network.Tracer.Raise(new ApplicationEvent(node.Simulation.Now, node.Name, ApplicationEventKind.DnsQuerySent, Server, name) { QueryId = id });
            }

            socket.SendTo(query, Server, ServerPort);
            EventHandle timer = node.Simulation.Schedule(Timeout, () => answered.TrySetResult(null));
            DnsMessage? response = await answered.Task;
            node.Simulation.Cancel(timer);
            if (response is not null)
            {
                return (response, attempt);
            }

            answered = new TaskCompletionSource<DnsMessage?>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return (null, Attempts);
    }
}
