using System.Globalization;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Labs;

public sealed partial class LabRun
{
    private LabCheckResult Evaluate(LabCheck check, List<RunningApplication> applications, bool reachedTime)
    {
        string when = check.At is SimTime at ? $"at {at}, " : "";
        LabCheckResult result = check switch
        {
            LabMacTableCheck mac => EvaluateMacTable(mac, when),
            LabArpCacheCheck arp => EvaluateArpCache(arp, when),
            LabWebVisitCheck visit => EvaluateWebVisit(visit, when, applications),
            LabPingCheck ping => EvaluatePing(ping, when, applications),
            LabDnsLookupCheck lookup => EvaluateDnsLookup(lookup, when, applications),
            LabDeliveryCheck delivery => EvaluateDelivery(delivery, when, applications),
            LabFramesReachedCheck reached => EvaluateFramesReached(reached, when),
            _ => throw new InvalidOperationException($"No evaluation for {check.GetType().Name}."),
        };
        return reachedTime
            ? result
            : result with { Observed = result.Observed + $" (the run ended at {Simulation.Now}, before {check.At}: seen at its end)" };
    }

    private LabCheckResult EvaluateMacTable(LabMacTableCheck check, string when)
    {
        Switch device = FindSwitch(check.Switch)!;
        MacAddress mac = FirstMac(check.MacOf);
        SimTime now = check.At is SimTime at && at > Simulation.Now ? at : Simulation.Now;
        string expected = check.Port is int port ? $"maps {check.MacOf}'s MAC ({mac}) to port {port}" : $"has no entry for {check.MacOf}'s MAC ({mac})";
        string observed;
        bool passed;
        if (device.MacTable.TryLookup(mac, now, out int found, out _))
        {
            observed = $"it maps it to port {found}";
            passed = check.Port == found;
        }
        else
        {
            observed = device.MacTable.Count == 0 ? "the table is empty" : $"it has no entry for it (entries: {device.MacTable.Count})";
            passed = check.Port is null;
        }

        return new LabCheckResult(check, passed, $"{when}{check.Switch}'s MAC table {expected}", observed);
    }

    private LabCheckResult EvaluateArpCache(LabArpCacheCheck check, string when)
    {
        IpNode node = FindNode(check.Device)!;
        Ipv4Address address = AddressOf(check.Holds, check.Position, "arp-cache");
        string named = check.Holds == address.ToString() ? check.Holds : $"{check.Holds} ({address})";
        IpInterface? holder = node.Interfaces.Where(i => !i.IsLoopback).FirstOrDefault(i => i.Arp.TryGet(address, out _));
        string observed;
        if (holder is not null && holder.Arp.TryGet(address, out MacAddress mac))
        {
            observed = $"it holds {address} at {mac}";
        }
        else
        {
            ArpEntry[] entries = [.. node.Interfaces.Where(i => !i.IsLoopback).SelectMany(i => i.Arp.GetEntries())];
            string[] held = [.. entries.Where(e => e.State != ArpEntryState.Incomplete).Select(e => e.Address.ToString())];
            string[] asking = [.. entries.Where(e => e.State == ArpEntryState.Incomplete).Select(e => e.Address.ToString())];
            observed = (held.Length == 0 ? "it is empty" : $"it holds only {string.Join(", ", held)}")
                + (asking.Length == 0 ? "" : $" (an ARP request for {string.Join(", ", asking)} is waiting for its answer)");
        }

        return new LabCheckResult(check, (holder is not null) == check.Expected, $"{when}{check.Device}'s ARP cache {(check.Expected ? "holds" : "does not hold")} {named}", observed);
    }

    private static LabCheckResult EvaluateWebVisit(LabWebVisitCheck check, string when, List<RunningApplication> applications)
    {
        var running = (RunningWebVisit)applications.First(a => a.Application.Id == check.Application);
        string expected = $"{when}the web visit '{check.Application}' succeeds with {check.Status}";
        WebVisit? visit = running.Visit;
        if (visit is null)
        {
            return new LabCheckResult(check, false, expected, "it had not finished");
        }

        string observed = visit.Response is HttpResponse response
            ? $"the server answered {response.StatusCode} {response.ReasonPhrase}{(visit.Succeeded ? "" : "; " + visit.Error)}"
            : $"it failed: {visit.Error}";
        return new LabCheckResult(check, visit.Succeeded && visit.Response?.StatusCode == check.Status, expected, observed);
    }

    private static LabCheckResult EvaluatePing(LabPingCheck check, string when, List<RunningApplication> applications)
    {
        var running = (RunningPing)applications.First(a => a.Application.Id == check.Application);
        int count = ((LabPing)running.Application).Count;
        IReadOnlyList<PingResult> results = running.Ping.Results;
        int answered = results.Count(r => r.Status == PingStatus.Reply);
        string[] others = [.. results.Where(r => r.Status != PingStatus.Reply).Select(r => r.Message).Distinct()];
        string observed = string.Create(CultureInfo.InvariantCulture, $"{answered} of {count} echo requests answered") + (others.Length > 0 ? $"; {string.Join("; ", others)}" : "");
        bool passed = check.Outcome == LabPingOutcome.Answered ? answered == count : answered == 0 && results.Count > 0;
        string expected = check.Outcome == LabPingOutcome.Answered ? "is answered" : "is lost";
        return new LabCheckResult(check, passed, $"{when}the ping '{check.Application}' {expected}", observed);
    }

    private static LabCheckResult EvaluateDnsLookup(LabDnsLookupCheck check, string when, List<RunningApplication> applications)
    {
        var running = (RunningDnsLookup)applications.First(a => a.Application.Id == check.Application);
        string name = ((LabDnsLookup)running.Application).Name;
        string expected = check.Address is Ipv4Address address ? $"{when}{name} resolves to {address}" : $"{when}{name} does not resolve";
        DnsResolution? resolution = running.Resolution;
        if (resolution is null)
        {
            return new LabCheckResult(check, false, expected, "the lookup had not finished");
        }

        bool resolved = resolution.Status == DnsResolutionStatus.Success && resolution.Addresses.Count > 0;
        string observed = resolved ? $"it resolved to {string.Join(", ", resolution.Addresses)}" : $"it did not resolve: {resolution.Status}";
        bool passed = check.Address is Ipv4Address wanted ? resolved && resolution.Addresses[0] == wanted : !resolved;
        return new LabCheckResult(check, passed, expected, observed);
    }

    private LabCheckResult EvaluateDelivery(LabDeliveryCheck check, string when, List<RunningApplication> applications)
    {
        var running = (RunningUdp)applications.First(a => a.Application.Id == check.Application);
        ushort sourcePort = running.Source.Socket.LocalPort;
        FlowStatistics? flow = flows.GetStatistics().FirstOrDefault(f =>
            f.Key.Protocol == IpProtocol.Udp && f.Key.SourcePort == sourcePort && f.Key.Destination == running.Destination && f.Key.DestinationPort == running.Source.Port
            && running.Source.Socket.Node.FindInterface(f.Key.Source) is not null);
        long sent = flow?.PacketsSent ?? 0, received = flow?.PacketsReceived ?? 0;
        double share = sent == 0 ? 0 : (double)received / sent;
        string expected = (check.AtLeast, check.AtMost) switch
        {
            (double least, double most) => string.Create(CultureInfo.InvariantCulture, $"between {least * 100:0.#}% and {most * 100:0.#}%"),
            (double least, null) => string.Create(CultureInfo.InvariantCulture, $"at least {least * 100:0.#}%"),
            (null, double most) => string.Create(CultureInfo.InvariantCulture, $"at most {most * 100:0.#}%"),
            _ => "any share",
        };
        bool passed = sent > 0 && (check.AtLeast is not double min || share >= min) && (check.AtMost is not double max || share <= max);
        string observed = sent == 0
            ? "it had sent nothing"
            : string.Create(CultureInfo.InvariantCulture, $"{received:N0} of {sent:N0} arrived ({share * 100:0.0}%)");
        return new LabCheckResult(check, passed, $"{when}{expected} of the datagrams of '{check.Application}' arrive", observed);
    }

    private LabCheckResult EvaluateFramesReached(LabFramesReachedCheck check, string when)
    {
        SortedSet<string> reached = framesReached.ReachedFrom(check.From);
        var expected = new SortedSet<string>(check.Only, StringComparer.Ordinal);
        string observed = reached.Count == 0 ? "they reached no host" : $"they reached {string.Join(", ", reached)}";
        return new LabCheckResult(check, reached.SetEquals(expected), $"{when}{check.From}'s frames reached only {string.Join(", ", check.Only)}", observed);
    }

    /// <summary>The MAC address of a device's first interface.</summary>
    private MacAddress FirstMac(string device) => FindNode(device)!.Interfaces.First(i => !i.IsLoopback).Mac;

    /// <summary>
    /// Which hosts and servers heard the frames each host or server sent: a frame reaches a
    /// device when its NIC receives it, whether it keeps it or ignores it as not its own (as
    /// every station on a hub does).
    /// </summary>
    private sealed class FramesReached : ITraceListener, IDisposable
    {
        private readonly LabRun run;
        private readonly IDisposable subscription;
        private Dictionary<string, string>? deviceOfNic;  // NIC name ("pc/eth0") to device ("pc"); hosts and servers only
        private Dictionary<MacAddress, string>? deviceOfMac;
        private readonly Dictionary<string, SortedSet<string>> reached = new(StringComparer.Ordinal); // sender to the devices its frames reached

        public FramesReached(LabRun run)
        {
            this.run = run;
            subscription = run.Network.Tracer.Subscribe(this);
        }

        public SortedSet<string> ReachedFrom(string sender) =>
            new(reached.GetValueOrDefault(sender) ?? [], StringComparer.Ordinal);

        public void Dispose() => subscription.Dispose();

        void ITraceListener.OnFrame(in FrameEvent e, ReadOnlySpan<byte> frame)
        {
            if (e.Kind is not (FrameEventKind.Received or FrameEventKind.Dropped) || (e.Kind == FrameEventKind.Dropped && e.Reason != DropReason.NotForMe))
            {
                return;
            }

            if (deviceOfNic is null)
            {
                Index();
            }

            if (deviceOfNic!.TryGetValue(e.Device, out string? receiver) && deviceOfMac!.TryGetValue(e.Source, out string? sender) && sender != receiver)
            {
                if (!reached.TryGetValue(sender, out SortedSet<string>? set))
                {
                    reached[sender] = set = new SortedSet<string>(StringComparer.Ordinal);
                }

                _ = set.Add(receiver);
            }
        }

        /// <summary>Made at the first frame, when the address plan has given every interface its NIC.</summary>
        private void Index()
        {
            deviceOfNic = new Dictionary<string, string>(StringComparer.Ordinal);
            deviceOfMac = [];
            foreach (LabDevice device in run.Lab.Devices.Where(d => d.IsIpNode))
            {
                foreach (IpInterface ipInterface in run.FindNode(device.Name)!.Interfaces.Where(i => !i.IsLoopback))
                {
                    deviceOfMac[ipInterface.Mac] = device.Name;
                    if (device.Kind != LabDeviceKind.Router)
                    {
                        deviceOfNic[ipInterface.Nic.Name] = device.Name;
                        deviceOfNic[ipInterface.Port.DeviceName] = device.Name;
                    }
                }
            }
        }
    }
}
