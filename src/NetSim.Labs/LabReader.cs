using System.Globalization;
using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Labs;

/// <summary>Maps a lab file's nodes to <see cref="LabDefinition"/>, checking each value and naming where a mistake is.</summary>
internal sealed class LabReader(string fileName)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly string[] TopKeys = ["name", "description", "seed", "stop-time", "address-plan", "compute-routes", "devices", "links", "applications", "captures", "checks", "show"];

    public LabDefinition Read(string text)
    {
        YamlNode? root = YamlTree.Read(text, fileName);
        if (root is not YamlMapping mapping)
        {
            LabPosition at = root?.Position ?? new LabPosition(1, 1);
            throw Error(at, $"a lab file is a mapping of keys ({string.Join(", ", TopKeys)}), not {root?.Describe ?? "empty"}");
        }

        var top = new Keys(this, mapping, "the lab", TopKeys);
        string? name = top.OptionalText("name");
        string? description = top.OptionalText("description");
        ulong seed = top.Optional("seed", (n, s) => ulong.TryParse(s, NumberStyles.None, Invariant, out ulong v) ? v : throw Error(n, $"seed must be a whole number from 0, not '{s}'"), 0UL);
        SimTime? stopTime = top.Has("stop-time") ? top.Required("stop-time", Time) : null;
        LabAddressPlan? plan = top.Has("address-plan") ? ReadPlan(top.Get("address-plan")!) : null;
        bool computeRoutes = top.Optional("compute-routes", Bool, false);

        YamlNode? devicesNode = top.Get("devices") ?? throw Error(mapping.Position, "the lab has no 'devices'");
        var devices = ReadDevices(devicesNode);
        var links = top.Get("links") is YamlNode linksNode ? List(linksNode, "links", (n, i) => ReadLink(n, i, devices)) : [];
        CheckPorts(links, devices);
        var applications = top.Get("applications") is YamlNode appsNode ? List(appsNode, "applications", (n, i) => ReadApplication(n, i, devices)) : [];
        var captures = top.Get("captures") is YamlNode capturesNode ? List(capturesNode, "captures", (n, i) => ReadCapture(n, i, devices)) : [];
        var checks = top.Get("checks") is YamlNode checksNode ? List(checksNode, "checks", (n, i) => ReadCheck(n, i, devices, applications)) : [];
        var show = top.Get("show") is YamlNode showNode
            ? List(showNode, "show", (n, _) => Text(n, "show") is var device && devices.Any(d => d.Name == device) ? device : throw Error(n, $"show: there is no device '{device}'{Suggest(device, devices.Select(d => d.Name))}"))
            : [];
        return new LabDefinition(fileName, name, description, seed, stopTime, plan, computeRoutes, devices, links, applications, captures, checks) { Show = show };
    }

    private LabAddressPlan ReadPlan(YamlNode node)
    {
        if (node is YamlScalar)
        {
            return new LabAddressPlan(Network(node, "the address plan"), 24) { Position = node.Position };
        }

        var keys = new Keys(this, node, "the address plan", ["pool", "subnet-prefix"]);
        Ipv4Network pool = keys.Required("pool", (n, _) => Network(n, "the address plan's pool"));
        int prefix = keys.Optional("subnet-prefix", (n, s) => Int(n, s, "subnet-prefix", pool.PrefixLength, 30), 24);
        return new LabAddressPlan(pool, prefix) { Position = node.Position };
    }

    private static readonly Dictionary<string, LabDeviceKind> DeviceKinds = new(StringComparer.Ordinal)
    {
        ["host"] = LabDeviceKind.Host,
        ["switch"] = LabDeviceKind.Switch,
        ["hub"] = LabDeviceKind.Hub,
        ["router"] = LabDeviceKind.Router,
        ["dns-server"] = LabDeviceKind.DnsServer,
        ["web-server"] = LabDeviceKind.WebServer,
    };

    private List<LabDevice> ReadDevices(YamlNode node)
    {
        if (node is not YamlMapping mapping)
        {
            throw Error(node, $"'devices' is a mapping from each device's name to its description, not {node.Describe}");
        }

        var devices = new List<LabDevice>();
        var seen = new Dictionary<string, LabPosition>(StringComparer.Ordinal);
        foreach ((YamlScalar key, YamlNode value) in mapping.Entries)
        {
            string name = key.Value;
            if (!IsName(name))
            {
                throw Error(key, $"'{name}' cannot name a device: use letters, digits, '-' and '_', starting with a letter");
            }

            if (seen.TryGetValue(name, out LabPosition first))
            {
                throw Error(key, string.Create(Invariant, $"there are two devices named '{name}' (the first at line {first.Line})"));
            }

            seen.Add(name, key.Position);
            devices.Add(ReadDevice(name, key, value));
        }

        return devices;
    }

    private static bool IsName(string name) =>
        name.Length > 0 && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private LabDevice ReadDevice(string name, YamlScalar key, YamlNode node)
    {
        string what = $"device '{name}'";
        if (node is not YamlMapping)
        {
            throw Error(node, $"{what} is a mapping with at least 'kind', not {node.Describe}");
        }

        var kindKeys = new Keys(this, node, what, null);
        LabDeviceKind kind = kindKeys.Required("kind", (n, s) => DeviceKinds.TryGetValue(s, out LabDeviceKind k) ? k : throw Error(n, $"{what}: unknown kind '{s}'; a device is {OneOf(DeviceKinds.Keys)}{Suggest(s, DeviceKinds.Keys)}"));
        string[] allowed = kind switch
        {
            LabDeviceKind.Switch or LabDeviceKind.Hub => ["kind", "ports"],
            LabDeviceKind.Router => ["kind", "interfaces", "routes"],
            LabDeviceKind.Host => ["kind", "address", "gateway", "routes"],
            LabDeviceKind.DnsServer => ["kind", "address", "gateway", "routes", "records"],
            _ => ["kind", "address", "gateway", "routes", "pages"],
        };
        var keys = new Keys(this, node, what, allowed);
        int ports = kind is LabDeviceKind.Switch or LabDeviceKind.Hub
            ? keys.Required("ports", (n, s) => Int(n, s, $"{what}: ports", 1, 1024))
            : 0;
        var interfaces = new List<LabInterface>();
        if (keys.Get("address") is YamlNode address)
        {
            interfaces.Add(Interface(address, what));
        }

        if (keys.Get("interfaces") is YamlNode list)
        {
            interfaces.AddRange(List(list, $"{what}: interfaces", (n, _) => Interface(n, what)));
        }

        Ipv4Address? gateway = null;
        if (keys.Get("gateway") is YamlNode gatewayNode)
        {
            Ipv4Address gw = Address(gatewayNode, $"{what}: the gateway");
            if (interfaces.Count > 0 && !interfaces.Any(i => i.Subnet.Contains(gw)))
            {
                throw Error(gatewayNode, $"{what}: the gateway {gw} is not on {name}'s subnet {interfaces[0].Subnet}; a gateway must be reachable directly");
            }

            gateway = gw;
        }

        var routes = keys.Get("routes") is YamlNode routesNode ? List(routesNode, $"{what}: routes", (n, i) => ReadRoute(n, $"{what}: route {i}", interfaces)) : [];
        var records = keys.Get("records") is YamlNode recordsNode ? List(recordsNode, $"{what}: records", (n, i) => ReadRecord(n, $"{what}: record {i}")) : [];
        var pages = new List<LabWebPage>();
        if (keys.Get("pages") is YamlNode pagesNode)
        {
            var pageKeys = new Keys(this, pagesNode, $"{what}: pages", null);
            foreach ((YamlScalar path, YamlNode content) in pageKeys.Entries)
            {
                if (!path.Value.StartsWith('/'))
                {
                    throw Error(path, $"{what}: a page's path starts with '/', not '{path.Value}'");
                }

                pages.Add(new LabWebPage(path.Value, Text(content, $"{what}: page '{path.Value}'")));
            }
        }

        return new LabDevice(name, kind, ports, interfaces, gateway, routes, records, pages) { Position = key.Position };
    }

    private LabRoute ReadRoute(YamlNode node, string what, List<LabInterface> interfaces)
    {
        var keys = new Keys(this, node, what, ["to", "via"]);
        Ipv4Network to = keys.Required("to", (n, s) => s == "default" ? Ipv4Network.Parse("0.0.0.0/0") : Network(n, $"{what}: 'to'"));
        Ipv4Address via = keys.Required("via", (n, _) =>
        {
            Ipv4Address next = Address(n, $"{what}: 'via'");
            return interfaces.Count == 0 || interfaces.Any(i => i.Subnet.Contains(next))
                ? next
                : throw Error(n, $"{what}: the next hop {next} is not on any of the device's subnets ({string.Join(", ", interfaces.Select(i => i.Subnet))}); a next hop must be reachable directly");
        });
        return new LabRoute(to, via);
    }

    private LabDnsRecord ReadRecord(YamlNode node, string what)
    {
        var keys = new Keys(this, node, what, ["name", "a", "cname", "ttl"]);
        string name = keys.Required("name", (_, s) => s);
        Ipv4Address? a = keys.Get("a") is YamlNode aNode ? Address(aNode, $"{what}: 'a'") : null;
        string? cname = keys.OptionalText("cname");
        if ((a is null) == (cname is null))
        {
            throw Error(node, $"{what} needs exactly one of 'a' (an address) and 'cname' (another name)");
        }

        uint ttl = keys.Optional("ttl", (n, s) => (uint)Int(n, s, $"{what}: ttl", 0, int.MaxValue), 3600u);
        return new LabDnsRecord(name, a, cname, ttl);
    }

    private static readonly Dictionary<string, LabQueueDiscipline> Queues = new(StringComparer.Ordinal)
    {
        ["drop-tail"] = LabQueueDiscipline.DropTail,
        ["red"] = LabQueueDiscipline.Red,
        ["codel"] = LabQueueDiscipline.CoDel,
        ["fq-codel"] = LabQueueDiscipline.FqCoDel,
    };

    private LabLink ReadLink(YamlNode node, int index, List<LabDevice> devices)
    {
        string what = string.Create(Invariant, $"link {index}");
        var keys = new Keys(this, node, what, ["between", "rate", "delay", "loss", "corrupt", "duplicate", "jitter", "queue"]);
        YamlNode between = keys.Get("between") ?? throw Error(node, $"{what} has no 'between' (its two ends, such as [pc, sw/eth1])");
        if (between is not YamlSequence { Items.Count: 2 } ends)
        {
            throw Error(between, $"{what}: 'between' lists the link's two ends, such as [pc, sw/eth1]");
        }

        LabPortRef a = PortRef(ends.Items[0], what, devices);
        LabPortRef b = PortRef(ends.Items[1], what, devices);
        if (a.Device == b.Device)
        {
            throw Error(ends.Items[1], $"{what} joins {a.Device} to itself");
        }

        DataRate? rate = keys.Has("rate") ? keys.Required("rate", (n, s) => DataRate.TryParse(s, out DataRate r) && r.BitsPerSecond > 0 ? r : throw Error(n, $"{what}: '{s}' is not a rate; write one such as 100Mbps, 1Gbps or 56kbps")) : null;
        SimDuration? delay = keys.Has("delay") ? keys.Required("delay", (n, s) => Duration(n, s, $"{what}: delay")) : null;
        double loss = keys.Optional("loss", (n, s) => Probability(n, s, $"{what}: loss"), 0.0);
        LabQueueDiscipline queue = keys.Optional("queue", (n, s) => Queues.TryGetValue(s, out LabQueueDiscipline q) ? q : throw Error(n, $"{what}: unknown queue '{s}'; a queue is {OneOf(Queues.Keys)}{Suggest(s, Queues.Keys)}"), LabQueueDiscipline.DropTail);
        return new LabLink(a, b, rate, delay, loss, queue)
        {
            Position = node.Position,
            Corruption = keys.Optional("corrupt", (n, s) => Probability(n, s, $"{what}: corrupt"), 0.0),
            Duplication = keys.Optional("duplicate", (n, s) => Probability(n, s, $"{what}: duplicate"), 0.0),
            Jitter = keys.Optional("jitter", (n, s) => Duration(n, s, $"{what}: jitter"), SimDuration.Zero),
        };
    }

    private LabPortRef PortRef(YamlNode node, string what, List<LabDevice> devices)
    {
        string text = Text(node, what);
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string deviceName = slash < 0 ? text : text[..slash];
        LabDevice device = devices.FirstOrDefault(d => d.Name == deviceName)
            ?? throw Error(node, $"{what}: there is no device '{deviceName}'{Suggest(deviceName, devices.Select(d => d.Name))}");
        if (slash < 0)
        {
            return new LabPortRef(deviceName, null);
        }

        string port = text[(slash + 1)..];
        if (!port.StartsWith("eth", StringComparison.Ordinal) || !int.TryParse(port.AsSpan(3), NumberStyles.None, Invariant, out int number))
        {
            throw Error(node, $"{what}: '{port}' is not a port name; ports are eth0, eth1, ...");
        }

        int count = PortCount(device);
        if (count >= 0 && number >= count)
        {
            throw Error(node, string.Create(Invariant, $"{what}: port {text} does not exist; {deviceName} has {count} {(count == 1 ? "port" : "ports")}"));
        }

        return new LabPortRef(deviceName, number);
    }

    /// <summary>How many ports a device has, or -1 when its links make them (a router with no interfaces listed).</summary>
    private static int PortCount(LabDevice device) => device.Kind switch
    {
        LabDeviceKind.Switch or LabDeviceKind.Hub => device.PortCount,
        LabDeviceKind.Router => device.Interfaces.Count > 0 ? device.Interfaces.Count : -1,
        _ => 1,
    };

    /// <summary>Each port takes one cable: a port named twice, or more cables than a device has ports, is a mistake.</summary>
    private void CheckPorts(List<LabLink> links, List<LabDevice> devices)
    {
        var taken = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        var free = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < links.Count; i++)
        {
            foreach (LabPortRef end in new[] { links[i].A, links[i].B })
            {
                HashSet<int> used = taken.TryGetValue(end.Device, out HashSet<int>? set) ? set : taken[end.Device] = [];
                if (end.Port is int port && !used.Add(port))
                {
                    throw Error(links[i].Position, string.Create(Invariant, $"link {i + 1}: port {end} already has a cable (each port takes one)"));
                }
            }
        }

        foreach (LabLink link in links)
        {
            foreach (LabPortRef end in new[] { link.A, link.B })
            {
                if (end.Port is null)
                {
                    free[end.Device] = free.GetValueOrDefault(end.Device) + 1;
                }
            }
        }

        foreach (LabDevice device in devices)
        {
            int count = PortCount(device);
            int used = (taken.TryGetValue(device.Name, out HashSet<int>? set) ? set.Count : 0) + free.GetValueOrDefault(device.Name);
            if (count >= 0 && used > count)
            {
                LabLink last = links.Last(l => l.A.Device == device.Name || l.B.Device == device.Name);
                throw Error(last.Position, string.Create(Invariant, $"link {links.IndexOf(last) + 1}: {device.Name} has {count} {(count == 1 ? "port" : "ports")}, and this is its cable number {used}"));
            }
        }
    }

    private static readonly string[] ApplicationKinds = ["ping", "traceroute", "web-visit", "dns-lookup", "file-transfer", "udp-constant-rate"];

    private LabApplication ReadApplication(YamlNode node, int index, List<LabDevice> devices)
    {
        string what = string.Create(Invariant, $"application {index}");
        string kind = new Keys(this, node, what, null).Required("kind", (n, s) => ApplicationKinds.Contains(s) ? s : throw Error(n, $"{what}: unknown kind '{s}'; an application is {OneOf(ApplicationKinds)}{Suggest(s, ApplicationKinds)}"));
        string[] common = ["kind", "id", "on", "start"];
        string[] own = kind switch
        {
            "ping" => ["to", "count"],
            "traceroute" => ["to"],
            "web-visit" => ["url", "dns"],
            "dns-lookup" => ["name", "dns"],
            "file-transfer" => ["to", "bytes", "port"],
            _ => ["to", "rate", "payload", "port", "stop"],
        };
        var keys = new Keys(this, node, what, [.. common, .. own]);
        string? id = keys.OptionalText("id");
        string on = keys.Required("on", (n, s) => IpDevice(n, s, $"{what}: 'on'", devices));
        SimTime start = keys.Optional("start", Time, SimTime.Zero);
        string Target(string key) => keys.Required(key, (n, s) => TargetName(n, s, $"{what}: '{key}'", devices));
        LabApplication application = kind switch
        {
            "ping" => new LabPing(id, on, start, Target("to"), keys.Optional("count", (n, s) => Int(n, s, $"{what}: count", 1, 1_000_000), 4)),
            "traceroute" => new LabTraceroute(id, on, start, Target("to")),
            "web-visit" => new LabWebVisit(id, on, start, keys.Required("url", (n, s) => Uri.TryCreate(s, UriKind.Absolute, out Uri? u) && u.Scheme == "http" ? u : throw Error(n, $"{what}: '{s}' is not a web address such as http://www.example.com/")), keys.Has("dns") ? Target("dns") : null),
            "dns-lookup" => new LabDnsLookup(id, on, start, keys.Required("name", (_, s) => s), Target("dns")),
            "file-transfer" => new LabFileTransfer(id, on, start, Target("to"), keys.Required("bytes", (n, s) => (long)Int(n, s, $"{what}: bytes", 1, int.MaxValue)), (ushort)keys.Optional("port", (n, s) => Int(n, s, $"{what}: port", 1, 65535), 5001)),
            _ => new LabUdpConstantRate(
                id, on, start, Target("to"),
                keys.Required("rate", (n, s) => DataRate.TryParse(s, out DataRate r) && r.BitsPerSecond > 0 ? r : throw Error(n, $"{what}: '{s}' is not a rate; write one such as 10Mbps")),
                keys.Optional("payload", (n, s) => Int(n, s, $"{what}: payload", 1, 65507), 1000),
                (ushort)keys.Optional("port", (n, s) => Int(n, s, $"{what}: port", 1, 65535), 9),
                keys.Has("stop") ? keys.Required("stop", Time) : null),
        };
        if (application is LabWebVisit { DnsServer: null } visit && !Ipv4Address.TryParse(visit.Url.Host, out _))
        {
            throw Error(node, $"{what}: the address names {visit.Url.Host}, so the visit needs 'dns' (the DNS server to ask)");
        }

        return application with { Position = node.Position };
    }

    private LabCapture ReadCapture(YamlNode node, int index, List<LabDevice> devices)
    {
        string what = string.Create(Invariant, $"capture {index}");
        if (node is YamlScalar)
        {
            return new LabCapture(PortRef(node, what, devices), null) { Position = node.Position };
        }

        var keys = new Keys(this, node, what, ["at", "file"]);
        LabPortRef port = PortRef(keys.Get("at") ?? throw Error(node, $"{what} has no 'at' (the port, such as pc or sw/eth1)"), what, devices);
        return new LabCapture(port, keys.OptionalText("file")) { Position = node.Position };
    }

    private static readonly string[] CheckKinds = ["mac-table", "arp-cache", "web-visit", "ping", "dns-lookup", "delivery", "frames-reached"];

    private LabCheck ReadCheck(YamlNode node, int index, List<LabDevice> devices, List<LabApplication> applications)
    {
        string what = string.Create(Invariant, $"check {index}");
        string kind = new Keys(this, node, what, null).Required("kind", (n, s) => CheckKinds.Contains(s) ? s : throw Error(n, $"{what}: unknown kind '{s}'; a check is {OneOf(CheckKinds)}{Suggest(s, CheckKinds)}"));
        string[] own = kind switch
        {
            "mac-table" => ["device", "mac-of", "port"],
            "arp-cache" => ["device", "holds", "expected"],
            "web-visit" => ["application", "status"],
            "ping" => ["application", "outcome"],
            "dns-lookup" => ["application", "address"],
            "delivery" => ["application", "at-least", "at-most"],
            _ => ["from", "only"],
        };
        var keys = new Keys(this, node, what, ["kind", "at", .. own]);
        SimTime? at = keys.Has("at") ? keys.Required("at", Time) : null;
        string Application(Type type, string description) => keys.Required("application", (n, s) =>
            applications.FirstOrDefault(a => a.Id == s) is LabApplication found
                ? found.GetType() == type ? s : throw Error(n, $"{what}: application '{s}' is not {description}")
                : throw Error(n, $"{what}: no application has the id '{s}'{Suggest(s, applications.Select(a => a.Id).OfType<string>())}"));
        LabDeliveryCheck Delivery(string application)
        {
            double? atLeast = keys.Has("at-least") ? keys.Required("at-least", (n, s) => Probability(n, s, $"{what}: at-least")) : null;
            double? atMost = keys.Has("at-most") ? keys.Required("at-most", (n, s) => Probability(n, s, $"{what}: at-most")) : null;
            return atLeast is null && atMost is null
                ? throw Error(node, $"{what}: a delivery check needs 'at-least' or 'at-most' (the share of the datagrams delivered, 0 to 1)")
                : new LabDeliveryCheck(at, application, atLeast, atMost);
        }

        LabCheck check = kind switch
        {
            "mac-table" => new LabMacTableCheck(
                at,
                keys.Required("device", (n, s) => devices.FirstOrDefault(d => d.Name == s) is { Kind: LabDeviceKind.Switch } ? s : throw Error(n, $"{what}: '{s}' is not a switch")),
                keys.Required("mac-of", (n, s) => IpDevice(n, s, $"{what}: 'mac-of'", devices)),
                keys.Has("port") ? keys.Required("port", (n, s) => Int(n, s, $"{what}: port", 0, devices.First(d => d.Name == keys.Required("device", (_, name) => name)).PortCount - 1)) : null),
            "arp-cache" => new LabArpCacheCheck(
                at,
                keys.Required("device", (n, s) => IpDevice(n, s, $"{what}: 'device'", devices)),
                keys.Required("holds", (n, s) => TargetName(n, s, $"{what}: 'holds'", devices)),
                keys.Optional("expected", Bool, true)),
            "web-visit" => new LabWebVisitCheck(at, Application(typeof(LabWebVisit), "a web visit"), keys.Optional("status", (n, s) => Int(n, s, $"{what}: status", 100, 599), 200)),
            "ping" => new LabPingCheck(at, Application(typeof(LabPing), "a ping"), keys.Required("outcome", (n, s) => s switch
            {
                "answered" => LabPingOutcome.Answered,
                "lost" => LabPingOutcome.Lost,
                _ => throw Error(n, $"{what}: a ping's outcome is 'answered' or 'lost', not '{s}'"),
            })),
            "dns-lookup" => new LabDnsLookupCheck(
                at,
                Application(typeof(LabDnsLookup), "a DNS lookup"),
                keys.Has("address") ? keys.Required("address", (n, s) => Ipv4Address.TryParse(s, out Ipv4Address a) ? a : throw Error(n, $"{what}: '{s}' is not an IPv4 address")) : null),
            "delivery" => Delivery(Application(typeof(LabUdpConstantRate), "a udp-constant-rate")),
            _ => new LabFramesReachedCheck(
                at,
                keys.Required("from", (n, s) => IpDevice(n, s, $"{what}: 'from'", devices)),
                List(keys.Get("only") ?? throw Error(node, $"{what} has no 'only' (the devices the frames reach)"), $"{what}: only", (n, _) => IpDevice(n, Text(n, what), $"{what}: 'only'", devices))),
        };
        return check with { Position = node.Position };
    }

    // ---- values ----

    private string IpDevice(YamlNode node, string name, string what, List<LabDevice> devices) =>
        devices.FirstOrDefault(d => d.Name == name) switch
        {
            null => throw Error(node, $"{what}: there is no device '{name}'{Suggest(name, devices.Select(d => d.Name))}"),
            { IsIpNode: false } device => throw Error(node, $"{what}: {name} is a {Kind(device.Kind)}, which has no IP address"),
            _ => name,
        };

    /// <summary>An IPv4 address, or the name of a device with an IP stack, kept as written.</summary>
    private string TargetName(YamlNode node, string text, string what, List<LabDevice> devices) =>
        Ipv4Address.TryParse(text, out _) ? text : IpDevice(node, text, what, devices);

    private static string Kind(LabDeviceKind kind) => DeviceKinds.First(k => k.Value == kind).Key;

    private LabInterface Interface(YamlNode node, string what)
    {
        string text = Text(node, what);
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !Ipv4Address.TryParse(text[..slash], out Ipv4Address address)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, Invariant, out int prefix) || prefix > 32)
        {
            throw Error(node, $"{what}: '{text}' is not an address with its prefix length, such as 192.168.1.10/24");
        }

        return new LabInterface(address, prefix);
    }

    private Ipv4Address Address(YamlNode node, string what)
    {
        string text = Text(node, what);
        return Ipv4Address.TryParse(text, out Ipv4Address address) ? address : throw Error(node, $"{what}: '{text}' is not an IPv4 address such as 192.168.1.1");
    }

    private Ipv4Network Network(YamlNode node, string what)
    {
        string text = Text(node, what);
        return Ipv4Network.TryParse(text, out Ipv4Network network) ? network : throw Error(node, $"{what}: '{text}' is not a network such as 10.0.0.0/16 (its host bits zero)");
    }

    private SimTime Time(YamlNode node, string text) =>
        SimTime.TryParse(text, out SimTime time) && time >= SimTime.Zero ? time : throw Error(node, $"'{text}' is not a time; write one such as 2 s, 150 ms or 10 us");

    private SimDuration Duration(YamlNode node, string text, string what) =>
        SimDuration.TryParse(text, out SimDuration duration) && duration >= SimDuration.Zero ? duration : throw Error(node, $"{what}: '{text}' is not a duration; write one such as 5 ms or 1 us");

    private double Probability(YamlNode node, string text, string what) =>
        double.TryParse(text, NumberStyles.Float, Invariant, out double p) && p is >= 0 and <= 1 ? p : throw Error(node, $"{what} is a probability from 0 to 1, not '{text}'");

    private int Int(YamlNode node, string text, string what, int min, int max) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, Invariant, out int n) && n >= min && n <= max
            ? n
            : throw Error(node, string.Create(Invariant, $"{what} is a whole number from {min} to {max}, not '{text}'"));

    private bool Bool(YamlNode node, string text) => text switch
    {
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        _ => throw Error(node, $"'{text}' is not true or false"),
    };

    private string Text(YamlNode node, string what) => node switch
    {
        YamlScalar { IsNull: false } scalar => scalar.Value,
        _ => throw Error(node, $"{what} is a value, not {node.Describe}"),
    };

    private List<T> List<T>(YamlNode node, string what, Func<YamlNode, int, T> read)
    {
        if (node is YamlScalar { IsNull: true })
        {
            return [];
        }

        if (node is not YamlSequence sequence)
        {
            throw Error(node, $"'{what}' is a list (items starting with '- '), not {node.Describe}");
        }

        return [.. sequence.Items.Select((item, i) => read(item, i + 1))];
    }

    private static string OneOf(IEnumerable<string> names)
    {
        string[] all = [.. names];
        return string.Join(", ", all[..^1]) + " or " + all[^1];
    }

    /// <summary>"; did you mean 'rate'?" when a name is one or two edits away from a known one.</summary>
    internal static string Suggest(string written, IEnumerable<string> known)
    {
        string? best = known.Select(k => (k, d: Distance(written, k))).Where(x => x.d <= Math.Min(2, Math.Max(1, written.Length / 2))).OrderBy(x => x.d).Select(x => x.k).FirstOrDefault();
        return best is null ? "" : $"; did you mean '{best}'?";
    }

    private static int Distance(string a, string b)
    {
        int[] beforePrevious = new int[b.Length + 1];
        int[] previous = [.. Enumerable.Range(0, b.Length + 1)];
        for (int i = 1; i <= a.Length; i++)
        {
            int[] current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    current[j] = Math.Min(current[j], beforePrevious[j - 2] + 1); // two letters swapped
                }
            }

            beforePrevious = previous;
            previous = current;
        }

        return previous[b.Length];
    }

    internal LabFileException Error(YamlNode node, string problem) => Error(node.Position, problem);

    internal LabFileException Error(LabPosition at, string problem) => new(fileName, at.Line, at.Column, problem);

    /// <summary>A mapping's keys: unknown and duplicate keys are mistakes; values are read by key.</summary>
    private sealed class Keys
    {
        private readonly LabReader reader;
        private readonly Dictionary<string, KeyValuePair<YamlScalar, YamlNode>> byName = new(StringComparer.Ordinal);

        public Keys(LabReader reader, YamlNode node, string what, string[]? allowed)
        {
            this.reader = reader;
            if (node is not YamlMapping mapping)
            {
                throw reader.Error(node, $"{what} is a mapping (key: value lines), not {node.Describe}");
            }

            Entries = mapping.Entries;
            foreach (KeyValuePair<YamlScalar, YamlNode> entry in mapping.Entries)
            {
                string key = entry.Key.Value;
                if (allowed is not null && !allowed.Contains(key))
                {
                    throw reader.Error(entry.Key, $"unknown key '{key}' in {what}{Suggest(key, allowed)}");
                }

                if (!byName.TryAdd(key, entry))
                {
                    throw reader.Error(entry.Key, string.Create(Invariant, $"'{key}' is given twice in {what} (first at line {byName[key].Key.Position.Line})"));
                }
            }

            What = what;
            Node = mapping;
        }

        public IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Entries { get; }

        private string What { get; }

        private YamlMapping Node { get; }

        public bool Has(string key) => Get(key) is not null;

        /// <summary>The value of <paramref name="key"/>, or null when it is absent or written as null.</summary>
        public YamlNode? Get(string key) =>
            byName.TryGetValue(key, out KeyValuePair<YamlScalar, YamlNode> entry) && entry.Value is not YamlScalar { IsNull: true } ? entry.Value : null;

        public T Required<T>(string key, Func<YamlNode, string, T> parse)
        {
            YamlNode node = Get(key) ?? throw reader.Error(Node, $"{What} has no '{key}'");
            return node is YamlScalar scalar ? parse(node, scalar.Value) : throw reader.Error(node, $"'{key}' in {What} is a value, not {node.Describe}");
        }

        public T Optional<T>(string key, Func<YamlNode, string, T> parse, T fallback) => Has(key) ? Required(key, parse) : fallback;

        public string? OptionalText(string key) => Has(key) ? Required(key, (_, s) => s) : null;
    }
}
