using NetSim.Ip;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Applications;

/// <summary>Raises application trace events, for applications whose network's <see cref="Tracer.IsOn"/> is true.</summary>
internal static class ApplicationTrace
{
    /// <summary>A DNS query or answer: the first question's name, the id, and for a response its code, first address and answer count.</summary>
    public static void Dns(IpNode node, ApplicationEventKind kind, Ipv4Address peer, DnsMessage message)
    {
        Ipv4Address first = Ipv4Address.Any;
        foreach (DnsRecord record in message.Answers)
        {
            if (record.Type == DnsType.A)
            {
                first = record.Address;
                break;
            }
        }

        node.Network.Tracer.Raise(new ApplicationEvent(node.Simulation.Now, node.Name, kind, peer, message.Questions.Count > 0 ? message.Questions[0].Name : "")
        {
            QueryId = message.Id,
            ResponseCode = message.IsResponse ? message.ResponseCode : null,
            Address = first,
            AnswerCount = message.Answers.Count,
        });
    }

    /// <summary>An HTTP request or response (<paramref name="response"/> null for a request) about the request <paramref name="method"/> <paramref name="target"/>.</summary>
    public static void Http(IpNode node, ApplicationEventKind kind, Ipv4Address peer, string method, string target, HttpResponse? response = null, long bodyLength = 0) =>
        node.Network.Tracer.Raise(new ApplicationEvent(node.Simulation.Now, node.Name, kind, peer, target)
        {
            Method = method,
            StatusCode = response?.StatusCode ?? 0,
            ContentLength = response?.Body.Length ?? bodyLength,
        });
}
