using System.Globalization;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Topology;

namespace NetSim.Reporting;

/// <summary>What a device or interface box of the diagram is.</summary>
internal enum TopologyNodeKind
{
    Host,
    Router,
    Switch,
    Hub,

    /// <summary>A bare NIC (not inside a host or router), known only as the end of a cable.</summary>
    Nic,

    /// <summary>A device of a kind the diagram does not know.</summary>
    Device,

    /// <summary>One interface of a host or router with several: drawn in its subnet, tied to its device.</summary>
    Interface,
}

/// <summary>A box of the diagram: a device, or one interface of a device with several.</summary>
/// <param name="Id">Unique in the diagram: the device's name, or the interface's ("r1/eth0").</param>
/// <param name="Device">The device's name (for an interface, its device's).</param>
/// <param name="Kind">What it is.</param>
/// <param name="Lines">Its label, line by line: the name and kind first, then the interfaces.</param>
/// <param name="Domain">Its subnet group (<see cref="TopologyModel.Groups"/>), or -1 when outside every group.</param>
internal sealed record TopologyNode(string Id, string Device, TopologyNodeKind Kind, IReadOnlyList<string> Lines, int Domain)
{
    /// <summary>"host", "router", ...: the word written after the name.</summary>
    public string KindName => Kind.ToString().ToLowerInvariant();
}

/// <summary>A line between two boxes: a cable (with its rate, delay and ends) or an interface's tie to its device.</summary>
/// <param name="From">The index of one box.</param>
/// <param name="To">The index of the other box.</param>
/// <param name="Name">A cable's ends ("pc/eth0 - sw port 0"); empty for a tie.</param>
/// <param name="FromPort">The port at <paramref name="From"/> ("eth0", "port 0"), or empty.</param>
/// <param name="ToPort">The port at <paramref name="To"/>, or empty.</param>
/// <param name="RateAndDelay">"1 Gbps, 1 us", and ", down" for a cable taken down; empty for a tie.</param>
/// <param name="IsDown">Whether the cable is down (<see cref="Cable.IsUp"/> false).</param>
internal sealed record TopologyEdge(int From, int To, string Name, string FromPort, string ToPort, string RateAndDelay, bool IsDown = false)
{
    /// <summary>Whether this is an interface's tie to its device rather than a cable.</summary>
    public bool IsTie => Name.Length == 0;

    /// <summary>"eth0 - port 0", or empty.</summary>
    public string Ports => FromPort.Length == 0 && ToPort.Length == 0 ? "" : $"{FromPort} - {ToPort}".Trim(' ', '-');
}

/// <summary>
/// A network as a diagram sees it: its devices (a host or router with several interfaces as a
/// box of its own plus one per interface), its cables, and its broadcast domains that hold
/// IPv4 interfaces, each labelled with the subnets on it. Built from <see cref="Network.Devices"/>
/// and <see cref="Network.Cables"/>, in their order, so the same network gives the same model.
/// </summary>
internal sealed class TopologyModel
{
    private readonly List<TopologyNode> nodes = [];
    private readonly List<TopologyEdge> edges = [];
    private readonly List<string> groups = [];
    private readonly Dictionary<string, int> ids = new(StringComparer.Ordinal);

    private TopologyModel()
    {
    }

    /// <summary>The boxes: devices in the order made, then bare NICs in the order their cables were plugged in.</summary>
    public IReadOnlyList<TopologyNode> Nodes => nodes;

    /// <summary>The ties of interfaces to their devices, then the cables in the order plugged in.</summary>
    public IReadOnlyList<TopologyEdge> Edges => edges;

    /// <summary>Per subnet group (a broadcast domain with IPv4 interfaces): its label, the subnets on it ("192.168.1.0/24").</summary>
    public IReadOnlyList<string> Groups => groups;

    /// <summary>Builds the model of <paramref name="network"/> as it is wired now.</summary>
    public static TopologyModel Build(Network network, TopologyDiagramOptions options)
    {
        var model = new TopologyModel();
        var ends = new Dictionary<Port, (int Node, string Port, string Name)>();
        var nodePorts = new List<Port?>(); // per node: a port whose broadcast domain is the node's, or null
        var subnetsOnPort = new List<(Port Port, string Subnet)>();

        foreach (IDeviceTables device in network.Devices)
        {
            switch (device)
            {
                case IpNode ipNode:
                    AddIpNode(model, ipNode, options, ends, nodePorts, subnetsOnPort);
                    break;
                case Switch sw:
                    AddRelay(model, sw.Name, TopologyNodeKind.Switch, sw.Ports, ends, nodePorts);
                    break;
                case Hub hub:
                    AddRelay(model, hub.Name, TopologyNodeKind.Hub, hub.Ports, ends, nodePorts);
                    break;
                default:
                    model.AddNode(device.Name, device.Name, TopologyNodeKind.Device, [Title(device.Name, TopologyNodeKind.Device)]);
                    nodePorts.Add(null);
                    break;
            }
        }

        var cableEnds = new List<((int Node, string Port, string Name) A, (int Node, string Port, string Name) B, Cable Cable)>();
        foreach (Cable cable in network.Cables)
        {
            cableEnds.Add((End(model, cable.A, ends, nodePorts), End(model, cable.B, ends, nodePorts), cable));
        }

        foreach (var (a, b, cable) in cableEnds)
        {
            string rateAndDelay = string.Create(CultureInfo.InvariantCulture, $"{cable.Rate}, {cable.Delay}{(cable.IsUp ? "" : ", down")}");
            model.edges.Add(new TopologyEdge(a.Node, b.Node, $"{a.Name} - {b.Name}", a.Port, b.Port, rateAndDelay, !cable.IsUp));
        }

        model.Group(network, nodePorts, subnetsOnPort);
        return model;
    }

    private static string Title(string name, TopologyNodeKind kind) => $"{name} ({kind.ToString().ToLowerInvariant()})";

    private static string InterfaceLine(IpInterface ipInterface) =>
        string.Create(CultureInfo.InvariantCulture, $"{ShortName(ipInterface)} {ipInterface.Address}/{ipInterface.Subnet.PrefixLength}");

    // "eth0" of "pc/eth0": the interface's name on its device.
    private static string ShortName(IpInterface ipInterface)
    {
        string name = ipInterface.Name;
        string prefix = ipInterface.Node.Name + "/";
        return name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;
    }

    private static void AddIpNode(
        TopologyModel model,
        IpNode ipNode,
        TopologyDiagramOptions options,
        Dictionary<Port, (int, string, string)> ends,
        List<Port?> nodePorts,
        List<(Port, string)> subnetsOnPort)
    {
        TopologyNodeKind kind = ipNode switch
        {
            Router => TopologyNodeKind.Router,
            Host => TopologyNodeKind.Host,
            _ => ipNode.Forwarding ? TopologyNodeKind.Router : TopologyNodeKind.Host,
        };
        List<IpInterface> onNics = [.. ipNode.Interfaces.Where(i => !i.IsLoopback && i.Link is Nic)];
        foreach (IpInterface ipInterface in onNics)
        {
            subnetsOnPort.Add((ipInterface.Port, ipInterface.Subnet.ToString()));
        }

        if (onNics.Count <= 1)
        {
            // One box: the device with its interface, in its interface's subnet.
            List<string> lines = [Title(ipNode.Name, kind)];
            foreach (IpInterface ipInterface in onNics)
            {
                lines.Add(InterfaceLine(ipInterface));
                if (options.ShowMacs)
                {
                    lines.Add(ipInterface.Mac.ToString());
                }
            }

            int node = model.AddNode(ipNode.Name, ipNode.Name, kind, lines);
            nodePorts.Add(onNics.Count == 1 ? onNics[0].Port : null);
            foreach (IpInterface ipInterface in onNics)
            {
                ends[ipInterface.Port] = (node, ShortName(ipInterface), ipInterface.Name);
            }

            return;
        }

        // Several: the device between its subnets, and each interface in its own subnet, tied to it.
        int deviceNode = model.AddNode(ipNode.Name, ipNode.Name, kind, [Title(ipNode.Name, kind)]);
        nodePorts.Add(null);
        foreach (IpInterface ipInterface in onNics)
        {
            List<string> lines = [InterfaceLine(ipInterface)];
            if (options.ShowMacs)
            {
                lines.Add(ipInterface.Mac.ToString());
            }

            int node = model.AddNode(ipInterface.Name, ipNode.Name, TopologyNodeKind.Interface, lines);
            nodePorts.Add(ipInterface.Port);
            ends[ipInterface.Port] = (node, ShortName(ipInterface), ipInterface.Name);
            model.edges.Add(new TopologyEdge(deviceNode, node, "", "", "", ""));
        }
    }

    private static void AddRelay(
        TopologyModel model,
        string name,
        TopologyNodeKind kind,
        IReadOnlyList<Port> ports,
        Dictionary<Port, (int, string, string)> ends,
        List<Port?> nodePorts)
    {
        int node = model.AddNode(name, name, kind, [Title(name, kind)]);
        nodePorts.Add(ports.Count > 0 ? ports[0] : null);
        foreach (Port port in ports)
        {
            string label = string.Create(CultureInfo.InvariantCulture, $"port {port.Number}");
            ends[port] = (node, label, $"{name} {label}");
        }
    }

    // The end of a cable: a known device's port, or else a bare NIC, which gets a box of its own.
    private static (int Node, string Port, string Name) End(
        TopologyModel model,
        Port port,
        Dictionary<Port, (int Node, string Port, string Name)> ends,
        List<Port?> nodePorts)
    {
        if (ends.TryGetValue(port, out var end))
        {
            return end;
        }

        int node = model.AddNode(port.DeviceName, port.DeviceName, TopologyNodeKind.Nic, [Title(port.DeviceName, TopologyNodeKind.Nic)]);
        nodePorts.Add(port);
        end = (node, "", port.DeviceName);
        ends[port] = end;
        return end;
    }

    private int AddNode(string id, string device, TopologyNodeKind kind, IReadOnlyList<string> lines)
    {
        // Names are unique in a network; a clash (an interface named as a device) gets a suffix.
        string unique = id;
        for (int n = 2; ids.ContainsKey(unique); n++)
        {
            unique = string.Create(CultureInfo.InvariantCulture, $"{id}#{n}");
        }

        ids.Add(unique, nodes.Count);
        nodes.Add(new TopologyNode(unique, device, kind, lines, -1));
        return nodes.Count - 1;
    }

    // Broadcast domains: ports joined by cables, and all ports of a switch or hub (no router between).
    // A domain with IPv4 interfaces is a group, numbered in the order of its first box.
    private void Group(Network network, List<Port?> nodePorts, List<(Port Port, string Subnet)> subnetsOnPort)
    {
        var parent = new Dictionary<Port, Port>();
        Port Find(Port port)
        {
            while (parent.TryGetValue(port, out Port? up) && up != port)
            {
                port = up;
            }

            return port;
        }

        void Union(Port a, Port b)
        {
            Port rootA = Find(a);
            Port rootB = Find(b);
            if (rootA != rootB)
            {
                parent[rootB] = rootA;
            }
        }

        foreach (Cable cable in network.Cables)
        {
            Union(cable.A, cable.B);
        }

        foreach (IDeviceTables device in network.Devices)
        {
            IReadOnlyList<Port> ports = device switch
            {
                Switch sw => sw.Ports,
                Hub hub => hub.Ports,
                _ => [],
            };
            for (int i = 1; i < ports.Count; i++)
            {
                Union(ports[0], ports[i]);
            }
        }

        var subnetsOf = new Dictionary<Port, List<string>>();
        foreach (var (port, subnet) in subnetsOnPort)
        {
            Port root = Find(port);
            if (!subnetsOf.TryGetValue(root, out List<string>? subnets))
            {
                subnetsOf.Add(root, subnets = []);
            }

            if (!subnets.Contains(subnet, StringComparer.Ordinal))
            {
                subnets.Add(subnet);
            }
        }

        var groupOf = new Dictionary<Port, int>();
        for (int i = 0; i < nodes.Count; i++)
        {
            if (nodePorts[i] is not { } port || !subnetsOf.TryGetValue(Find(port), out List<string>? subnets))
            {
                continue;
            }

            Port root = Find(port);
            if (!groupOf.TryGetValue(root, out int group))
            {
                group = groups.Count;
                groupOf.Add(root, group);
                groups.Add(string.Join(", ", subnets));
            }

            nodes[i] = nodes[i] with { Domain = group };
        }
    }
}
