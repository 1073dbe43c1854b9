namespace NetSim.Wire;

/// <summary>
/// An entry of a DNS message's question section (RFC 1035, 4.1.2): what is asked.
/// </summary>
/// <param name="Name">The domain name asked about, dot-separated without the trailing dot ("www.example.com"; the root is ""), as written (compare with <see cref="DnsMessage.NamesEqual"/>).</param>
/// <param name="Type">The record type asked for.</param>
/// <param name="Class">The class asked for, the Internet unless said.</param>
public readonly record struct DnsQuestion(string Name, DnsType Type, DnsClass Class = DnsClass.IN);
