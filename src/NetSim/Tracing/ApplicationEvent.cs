using System.Globalization;
using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Tracing;

/// <summary>What a DNS or HTTP application did (RFC 1035, RFC 9112).</summary>
public enum ApplicationEventKind
{
    /// <summary>A resolver asked a server for <see cref="ApplicationEvent.Name"/>.</summary>
    DnsQuerySent,

    /// <summary>A DNS server received a query for <see cref="ApplicationEvent.Name"/>.</summary>
    DnsQueryReceived,

    /// <summary>A DNS server answered: <see cref="ApplicationEvent.ResponseCode"/>, and the first address in <see cref="ApplicationEvent.Address"/>.</summary>
    DnsAnswerSent,

    /// <summary>A resolver got its answer.</summary>
    DnsAnswerReceived,

    /// <summary>A browser sent a request: <see cref="ApplicationEvent.Method"/> <see cref="ApplicationEvent.Name"/> (the target).</summary>
    HttpRequestSent,

    /// <summary>A web server received a whole request.</summary>
    HttpRequestReceived,

    /// <summary>A web server sent its response: <see cref="ApplicationEvent.StatusCode"/>.</summary>
    HttpResponseSent,

    /// <summary>A browser received a whole response.</summary>
    HttpResponseReceived,
}

/// <summary>An application trace event: a DNS query or answer, an HTTP request or response, and with whom.</summary>
/// <param name="Time">When it happened.</param>
/// <param name="Device">The node's name.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Peer">The other end: the server asked, or the client answered.</param>
/// <param name="Name">The DNS name asked, or the HTTP request target ("/index.html").</param>
public readonly record struct ApplicationEvent(SimTime Time, string Device, ApplicationEventKind Kind, Ipv4Address Peer, string Name) : ITraceEvent
{
    /// <summary>For DNS: the message's ID.</summary>
    public ushort QueryId { get; init; }

    /// <summary>For DNS answers: the response code.</summary>
    public DnsResponseCode? ResponseCode { get; init; }

    /// <summary>For DNS answers: the first IPv4 address in the answer (<see cref="Ipv4Address.Any"/> when none).</summary>
    public Ipv4Address Address { get; init; }

    /// <summary>For DNS answers: how many answer records.</summary>
    public int AnswerCount { get; init; }

    /// <summary>For HTTP requests: the method ("GET").</summary>
    public string? Method { get; init; }

    /// <summary>For HTTP responses: the status code (200).</summary>
    public int StatusCode { get; init; }

    /// <summary>For HTTP: the body's length in bytes.</summary>
    public long ContentLength { get; init; }

    /// <summary>One line a learner reads: "3 ms pc: DNS answer from 10.0.0.53: www.example.com is 10.0.1.80 (NoError)".</summary>
    public override string ToString()
    {
        string what = Kind switch
        {
            ApplicationEventKind.DnsQuerySent => $"DNS query to {Peer}: {Name}? (id {QueryId})",
            ApplicationEventKind.DnsQueryReceived => $"DNS query from {Peer}: {Name}? (id {QueryId})",
            ApplicationEventKind.DnsAnswerSent => $"DNS answer to {Peer}: {Name} is {Address} ({ResponseCode}, {AnswerCount} records)",
            ApplicationEventKind.DnsAnswerReceived => $"DNS answer from {Peer}: {Name} is {Address} ({ResponseCode}, {AnswerCount} records)",
            ApplicationEventKind.HttpRequestSent => $"HTTP request to {Peer}: {Method} {Name}",
            ApplicationEventKind.HttpRequestReceived => $"HTTP request from {Peer}: {Method} {Name}",
            ApplicationEventKind.HttpResponseSent => $"HTTP response to {Peer}: {StatusCode} for {Name} ({ContentLength} bytes)",
            _ => $"HTTP response from {Peer}: {StatusCode} for {Name} ({ContentLength} bytes)",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{Time} {Device}: {what}");
    }
}
