using NetSim.Ip;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Applications;

/// <summary>
/// An authoritative DNS server (RFC 1035) on UDP port 53 of a node: a zone of A and CNAME
/// records with their TTLs, under the zone's <see cref="Soa"/>. It answers a query for a
/// name in the zone with the CNAME chain and the addresses it leads to; NXDOMAIN for a name
/// the zone does not have and NODATA (no error, no answer) for one without records of the
/// type asked, both with the SOA in the authority section (RFC 2308); REFUSED for a name
/// outside the zone; FORMERR for a malformed query whose header it can still read, and
/// nothing for bytes it cannot read at all. It speaks EDNS version 0 (RFC 6891). Like a
/// phone book: a name in, a number out.
/// </summary>
public sealed class DnsServer : IDisposable
{
    /// <summary>
    /// The largest UDP payload the server offers in its OPT record, and sends to an EDNS
    /// client that offers as much: 1232 bytes, the value of DNS Flag Day 2020, which fits an
    /// IPv6 packet in the smallest MTU (1280 bytes) without fragmenting.
    /// </summary>
    public const ushort EdnsUdpPayloadSize = 1232;

    private const int MaxChain = 8; // CNAME hops followed within the zone
    private const int MaxUdpMessage = 512; // without EDNS (RFC 1035, 4.2.1)
    private const DnsType AnyType = (DnsType)255; // the ANY query type (RFC 1035, 3.2.3)

    // The OPT record's TTL (RFC 6891, 6.1.3): extended RCODE, version, then DO and the other flags.
    private const int ExtendedRcodeShift = 24;
    private const int VersionShift = 16;
    private const uint DnssecOkBit = 0x8000;
    private const int BadVersion = 16; // BADVERS (RFC 6891, 9)

    private readonly Dictionary<string, List<DnsRecord>> zone = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> ancestors = new(StringComparer.OrdinalIgnoreCase); // of the names with records: the empty non-terminals among them
    private readonly UdpSocket socket;
    private readonly long[] malformed = new long[Enum.GetValues<WireError>().Length];
    private byte[] buffer = new byte[512];
    private DnsRecord soa = DnsRecord.Soa("", "", "", serial: 1, refresh: 86_400, retry: 7_200, expire: 3_600_000, minimum: 3_600, ttl: 3_600);

    /// <summary>Creates a server on <paramref name="node"/> (it answers once <see cref="Start"/> is called).</summary>
    public DnsServer(IpNode node, ushort port = 53)
    {
        ArgumentNullException.ThrowIfNull(node);
        Node = node;
        Port = port;
        socket = new UdpSocket(node) { Owner = OnQuery };
    }

    /// <summary>The node it runs on.</summary>
    public IpNode Node { get; }

    /// <summary>Its UDP port (53).</summary>
    public ushort Port { get; }

    /// <summary>
    /// The zone's SOA record (RFC 1035, 3.3.13; build one with <see cref="DnsRecord.Soa"/>):
    /// its owner is the zone's apex, at or above every name of the zone, and it goes in the
    /// authority section of negative answers with the TTL the lesser of its own and its
    /// MINIMUM (RFC 2308, 3). Unless set, the zone is the whole name space: the SOA is the
    /// root's, with the root as primary server and mailbox (no contact, as BIND's built-in
    /// empty zones), serial 1, refresh 86400 (a day), retry 7200 (two hours), expire 3600000
    /// (1000 hours), minimum 3600 and TTL 3600 (an hour each: RFC 2308, 5 suggests one to three).
    /// </summary>
    /// <exception cref="ArgumentException">Set to other than an SOA record of the Internet class whose data holds an SOA's fields, or to one whose zone leaves out names the server has records for, or has a CNAME at its apex.</exception>
    public DnsRecord Soa
    {
        get => soa;
        set
        {
            if (value.Type != DnsType.SOA || value.Class != DnsClass.IN || !DnsRecordData.HoldsFields(value.Data.Span, DnsRecordData.Layout(DnsType.SOA)))
            {
                throw new ArgumentException("The SOA must be an SOA record of the Internet class with an SOA's fields (see DnsRecord.Soa).", nameof(value));
            }

            string apex = Normalize(value.Name, nameof(value));
            foreach ((string name, List<DnsRecord> records) in zone)
            {
                if (!DnsName.IsAtOrUnder(name, apex))
                {
                    throw new ArgumentException($"{name} has records but is outside the zone {apex}.", nameof(value));
                }

                if (DnsName.Equal(name, apex) && records[0].Type == DnsType.CNAME)
                {
                    throw new ArgumentException($"{name} is a CNAME; the apex of a zone has an SOA, so it cannot be one (RFC 1034, 3.6.2).", nameof(value));
                }
            }

            soa = value with { Name = apex };
        }
    }

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
    /// <exception cref="ArgumentException">The name is not a valid domain name, or lies outside the zone of <see cref="Soa"/>.</exception>
    public void AddA(string name, Ipv4Address address, uint timeToLive = 3600) => Add(DnsRecord.A(name, address, timeToLive));

    /// <summary>Adds a CNAME record: <paramref name="name"/> is another name for <paramref name="target"/>.</summary>
    /// <exception cref="ArgumentException">A name is not valid, the name lies outside the zone or is its apex, or the name already has other records (RFC 1034, 3.6.2).</exception>
    public void AddCname(string name, string target, uint timeToLive = 3600)
    {
        DnsRecord record = DnsRecord.Cname(name, target, timeToLive);
        if (DnsMessage.NamesEqual(name, target))
        {
            throw new ArgumentException($"{name} cannot be a CNAME for itself.", nameof(target));
        }

        if (zone.TryGetValue(Normalize(name, nameof(name)), out List<DnsRecord>? existing) && existing.Count > 0)
        {
            throw new ArgumentException($"{name} already has records; a CNAME must be the only record of its name (RFC 1034, 3.6.2).", nameof(name));
        }

        if (DnsMessage.NamesEqual(name, soa.Name))
        {
            throw new ArgumentException($"{name} is the zone's apex, which has an SOA; it cannot be a CNAME (RFC 1034, 3.6.2).", nameof(name));
        }

        Add(record);
    }

    /// <summary>Starts answering on <see cref="Port"/>.</summary>
    public void Start()
    {
        socket.Bind(Port);
    }

    /// <summary>Stops answering and frees the port.</summary>
    public void Dispose() => socket.Dispose();

    /// <summary>
    /// The answer the zone gives to <paramref name="query"/> (what the server sends back for
    /// it), with an OPT record when the query has one (RFC 6891, 7): BADVERS for an EDNS
    /// version above 0, FORMERR for OPT records out of place (RFC 6891, 6.1.1).
    /// </summary>
    public DnsMessage Answer(DnsMessage query)
    {
        ArgumentNullException.ThrowIfNull(query);
        int opts = query.Answers.Concat(query.Authorities).Concat(query.Additionals).Count(r => r.Type == DnsType.OPT);
        if (opts == 0)
        {
            return AnswerQuestion(query);
        }

        DnsRecord opt = query.Additionals.FirstOrDefault(r => r.Type == DnsType.OPT);
        DnsMessage response;
        int extendedCode = 0;
        if (opts > 1 || opt.Type != DnsType.OPT || opt.Name.Length != 0)
        {
            response = query.CreateResponse(DnsResponseCode.FormatError);
        }
        else if (((opt.TimeToLive >> VersionShift) & 0xff) > 0)
        {
            response = query.CreateResponse(DnsResponseCode.NoError); // BADVERS' low four bits are 0
            extendedCode = BadVersion >> 4;
        }
        else
        {
            response = AnswerQuestion(query);
        }

        response.Additionals.Add(ResponseOpt(extendedCode, opt.TimeToLive & DnssecOkBit));
        return response;
    }

    // The OPT record of a response: the server's payload size, version 0, the upper bits of
    // the response code, and DO copied from the query (RFC 3225, 3).
    private static DnsRecord ResponseOpt(int extendedCode, uint dnssecOk) =>
        new("", DnsType.OPT, (DnsClass)EdnsUdpPayloadSize, ((uint)extendedCode << ExtendedRcodeShift) | dnssecOk);

    // The answer to the question, without EDNS.
    private DnsMessage AnswerQuestion(DnsMessage query)
    {
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

        if (!DnsName.TryNormalize(question.Name, out string name))
        {
            return query.CreateResponse(DnsResponseCode.FormatError);
        }

        if (!DnsName.IsAtOrUnder(name, soa.Name))
        {
            return query.CreateResponse(DnsResponseCode.Refused); // not this zone's: as a server answers for a zone it does not serve
        }

        var answers = new List<DnsRecord>();
        var visited = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { name };
        DnsResponseCode code = DnsResponseCode.NoError;
        bool negative = false; // NXDOMAIN or NODATA: the SOA goes in the authority section (RFC 2308, 3)
        for (int hop = 0; hop <= MaxChain; hop++)
        {
            if (!DnsName.IsAtOrUnder(name, soa.Name))
            {
                break; // the chain leaves the zone: the resolver asks on
            }

            bool apex = DnsName.Equal(name, soa.Name);
            if (zone.TryGetValue(name, out List<DnsRecord>? records) && records[0].Type == DnsType.CNAME && question.Type != DnsType.CNAME)
            {
                answers.Add(records[0] with { Name = name });
                name = records[0].Target!;
                if (!visited.Add(name))
                {
                    break; // a loop in the zone: answer what was found once
                }

                continue;
            }

            if (records is null && !apex && !ancestors.Contains(name))
            {
                code = DnsResponseCode.NameError; // the last name of the chain decides (RFC 6604, 2.1)
                negative = true;
                break;
            }

            // The name exists: it has records, is the apex, or has names below it (an empty
            // non-terminal, RFC 8020, 2; RFC 4592, 2.2.2).
            int found = answers.Count;
            answers.AddRange((records ?? []).Where(r => r.Type == question.Type || question.Type == AnyType));
            if (apex && question.Type is DnsType.SOA or AnyType)
            {
                answers.Add(soa);
            }

            negative = answers.Count == found; // NODATA (RFC 2308, 2.2)
            break;
        }

        DnsMessage response = query.CreateResponse(code);
        response.IsAuthoritative = true;
        foreach (DnsRecord answer in answers)
        {
            response.Answers.Add(answer);
        }

        if (negative)
        {
            response.Authorities.Add(soa with { TimeToLive = Math.Min(soa.TimeToLive, DnsRecordData.SoaMinimum(soa.Data.Span)) });
        }

        return response;
    }

    private static string Normalize(string name, string paramName) =>
        DnsName.TryNormalize(name, out string text) ? text : throw new ArgumentException($"\"{name}\" is not a domain name that can be written.", paramName);

    private void Add(DnsRecord record)
    {
        string name = Normalize(record.Name, nameof(record)); // queries name "a.b" for "a.b."
        if (!DnsName.IsAtOrUnder(name, soa.Name))
        {
            throw new ArgumentException($"{record.Name} is outside the zone {soa.Name}.", nameof(record));
        }

        record = record with { Name = name };
        if (record.Target is { } target)
        {
            record = record with { Target = Normalize(target, nameof(record)) };
        }

        if (!zone.TryGetValue(name, out List<DnsRecord>? records))
        {
            records = [];
            zone.Add(name, records);
            foreach (string ancestor in DnsName.SelfAndAncestors(name).Skip(1))
            {
                ancestors.Add(ancestor);
            }
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

            // RFC 1035, 4.1.1: FORMERR, "unable to interpret the query", with its id; with an
            // OPT when the OPT record was the trouble (RFC 6891, 7).
            response = new DnsMessage { Id = id, IsResponse = true, ResponseCode = DnsResponseCode.FormatError };
            if (error == WireError.BadDnsOptRecord)
            {
                response.Additionals.Add(ResponseOpt(0, 0));
            }
        }
        else if (query!.IsResponse)
        {
            return; // never answer a response
        }
        else
        {
            if (Node.Network.Tracer.IsOn)
            {
                ApplicationTrace.Dns(Node, ApplicationEventKind.DnsQueryReceived, address, query);
            }

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
        int limit = MaxUdpMessage;
        if (query?.Additionals.FirstOrDefault(r => r.Type == DnsType.OPT) is { Type: DnsType.OPT } opt)
        {
            limit = Math.Clamp((int)opt.Class, MaxUdpMessage, EdnsUdpPayloadSize); // below 512 counts as 512 (RFC 6891, 6.2.5)
        }

        if (length > limit)
        {
            // RFC 1035, 4.2.1: the rest is cut, with TC set; the OPT stays (RFC 6891, 7).
            DnsMessage truncated = query?.CreateResponse(response.ResponseCode) ?? response;
            truncated.IsTruncated = true;
            truncated.IsAuthoritative = response.IsAuthoritative;
            foreach (DnsRecord record in response.Additionals.Where(r => r.Type == DnsType.OPT))
            {
                truncated.Additionals.Add(record);
            }

            response = truncated;
            length = response.Length;
        }

        if (buffer.Length < length)
        {
            buffer = new byte[length];
        }

        response.Emit(buffer);
        ResponsesSent++;
        if (Node.Network.Tracer.IsOn)
        {
            ApplicationTrace.Dns(Node, ApplicationEventKind.DnsAnswerSent, address, response);
        }

        socket.SendTo(buffer.AsSpan(0, length), address, port);
    }
}
