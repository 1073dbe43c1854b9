using NetSim.Stack;
using NetSim.Wire;

namespace NetSim.Applications;

/// <summary>
/// An authoritative DNS server (RFC 1035) on UDP port 53 of a node: a zone of A and CNAME
/// records with their TTLs. It answers a query for a name in the zone with the CNAME chain
/// and the addresses it leads to, NXDOMAIN for a name it does not have, FORMERR for a
/// malformed query whose header it can still read, and nothing for bytes it cannot read
/// at all. Like a phone book: a name in, a number out.
/// </summary>
public sealed class DnsServer : IDisposable
{
    private const int MaxChain = 8; // CNAME hops followed within the zone
    private const int MaxUdpMessage = 512;

    private readonly Dictionary<string, List<DnsRecord>> zone = new(StringComparer.OrdinalIgnoreCase);
    private readonly UdpSocket socket;
    private readonly long[] malformed = new long[Enum.GetValues<WireError>().Length];
    private byte[] buffer = new byte[512];

    /// <summary>Creates a server on <paramref name="node"/> (it answers once <see cref="Start"/> is called).</summary>
    public DnsServer(IpNode node, ushort port = 53)
    {
        ArgumentNullException.ThrowIfNull(node);
        Node = node;
        Port = port;
        socket = new UdpSocket(node);
    }

    /// <summary>The node it runs on.</summary>
    public IpNode Node { get; }

    /// <summary>Its UDP port (53).</summary>
    public ushort Port { get; }

    /// <summary>Queries received (well formed or not).</summary>
    public long QueriesReceived { get; private set; }

    /// <summary>Responses sent, of every kind.</summary>
    public long ResponsesSent { get; private set; }

    /// <summary>NXDOMAIN responses sent.</summary>
    public long NameErrors { get; private set; }

    /// <summary>FORMERR responses sent.</summary>
    public long FormatErrors { get; private set; }

    /// <summary>Messages that could not be read, by reason.</summary>
    public long Malformed(WireError error) => malformed[(int)error];

    /// <summary>Adds an A record: <paramref name="name"/> is at <paramref name="address"/>.</summary>
    /// <exception cref="ArgumentException">The name is not a valid domain name.</exception>
    public void AddA(string name, Ipv4Address address, uint timeToLive = 3600) => Add(DnsRecord.A(name, address, timeToLive));

    /// <summary>Adds a CNAME record: <paramref name="name"/> is another name for <paramref name="target"/>.</summary>
    /// <exception cref="ArgumentException">A name is not valid, or the name already has other records (RFC 1034, 3.6.2).</exception>
    public void AddCname(string name, string target, uint timeToLive = 3600)
    {
        if (DnsMessage.NamesEqual(name, target))
        {
            throw new ArgumentException($"{name} cannot be a CNAME for itself.", nameof(target));
        }

        if (zone.TryGetValue(name.TrimEnd('.'), out List<DnsRecord>? existing) && existing.Count > 0)
        {
            throw new ArgumentException($"{name} already has records; a CNAME must be the only record of its name (RFC 1034, 3.6.2).", nameof(name));
        }

        Add(DnsRecord.Cname(name, target, timeToLive));
    }

    /// <summary>Starts answering on <see cref="Port"/>.</summary>
    public void Start()
    {
        socket.Bind(Port);
        socket.Received = OnQuery;
    }

    /// <summary>Stops answering and frees the port.</summary>
    public void Dispose() => socket.Dispose();

    /// <summary>The answer the zone gives to <paramref name="query"/> (what the server sends back for it).</summary>
    public DnsMessage Answer(DnsMessage query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Opcode != 0)
        {
            return query.CreateResponse(DnsResponseCode.NotImplemented);
        }

        if (query.Questions.Count != 1)
        {
            return query.CreateResponse(DnsResponseCode.FormatError); // RFC 1035 leaves several questions unanswerable in one response
        }

        DnsQuestion question = query.Questions[0];
        if (question.Class != DnsClass.IN)
        {
            return query.CreateResponse(DnsResponseCode.Refused); // this zone is Internet class only
        }

        string name = question.Name.TrimEnd('.');
        var answers = new List<DnsRecord>();
        var visited = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { name };
        for (int hop = 0; hop <= MaxChain; hop++)
        {
            if (!zone.TryGetValue(name, out List<DnsRecord>? records))
            {
                if (hop == 0)
                {
                    DnsMessage nx = query.CreateResponse(DnsResponseCode.NameError);
                    nx.IsAuthoritative = true;
                    return nx;
                }

                break; // the chain leaves the zone: the resolver asks on
            }

            if (records[0].Type == DnsType.CNAME && question.Type != DnsType.CNAME)
            {
                answers.Add(records[0] with { Name = name });
                name = records[0].Target!;
                if (!visited.Add(name))
                {
                    break; // a loop in the zone: answer what was found once
                }

                continue;
            }

            answers.AddRange(records.Where(r => r.Type == question.Type || question.Type == (DnsType)255)); // 255: ANY
            break;
        }

        DnsMessage response = query.CreateResponse(DnsResponseCode.NoError);
        response.IsAuthoritative = true;
        foreach (DnsRecord answer in answers)
        {
            response.Answers.Add(answer);
        }

        return response;
    }

    private void Add(DnsRecord record)
    {
        record = record with { Name = record.Name.TrimEnd('.') }; // queries name "a.b" for "a.b."
        if (record.Target is { } target)
        {
            record = record with { Target = target.TrimEnd('.') };
        }

        if (!zone.TryGetValue(record.Name, out List<DnsRecord>? records))
        {
            records = [];
            zone.Add(record.Name, records);
        }
        else if (records.Count > 0 && records[0].Type == DnsType.CNAME)
        {
            throw new ArgumentException($"{record.Name} is a CNAME; it cannot have other records (RFC 1034, 3.6.2).", nameof(record));
        }

        records.Add(record);
    }

    private void OnQuery(UdpSocket from, Ipv4Address address, ushort port, ReadOnlySpan<byte> data)
    {
        QueriesReceived++;
        WireError error = DnsMessage.TryParse(data, out DnsMessage? query);
        DnsMessage response;
        if (error != WireError.None)
        {
            malformed[(int)error]++;
            if (!DnsMessage.TryReadId(data, out ushort id) || (data[2] & 0x80) != 0)
            {
                return; // not even a query's header: nothing to answer
            }

            // RFC 1035, 4.1.1: FORMERR, "unable to interpret the query", with its id.
            response = new DnsMessage { Id = id, IsResponse = true, ResponseCode = DnsResponseCode.FormatError };
        }
        else if (query!.IsResponse)
        {
            return; // never answer a response
        }
        else
        {
            response = Answer(query);
        }

        if (response.ResponseCode == DnsResponseCode.NameError)
        {
            NameErrors++;
        }
        else if (response.ResponseCode == DnsResponseCode.FormatError)
        {
            FormatErrors++;
        }

        int length = response.Length;
        if (length > MaxUdpMessage)
        {
            // RFC 1035, 4.2.1: over UDP, at most 512 bytes; the rest is cut, with TC set.
            DnsMessage truncated = query?.CreateResponse(response.ResponseCode) ?? response;
            truncated.IsTruncated = true;
            truncated.IsAuthoritative = response.IsAuthoritative;
            response = truncated;
            length = response.Length;
        }

        if (buffer.Length < length)
        {
            buffer = new byte[length];
        }

        response.Emit(buffer);
        ResponsesSent++;
        socket.SendTo(buffer.AsSpan(0, length), address, port);
    }
}
