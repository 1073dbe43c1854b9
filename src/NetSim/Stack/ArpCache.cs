using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Wire;

namespace NetSim.Stack;

/// <summary>What an <see cref="ArpCache"/> knows about an address.</summary>
public enum ArpEntryState
{
    /// <summary>A request went out and no reply has come yet; packets wait for it.</summary>
    Incomplete,

    /// <summary>The MAC address is known, until the entry expires.</summary>
    Resolved,

    /// <summary>Configured by hand: never expires, never overwritten by what arrives.</summary>
    Static,
}

/// <summary>One line of an <see cref="ArpCache"/>, as printed for a learner (like <c>arp -a</c>).</summary>
/// <param name="Address">The IPv4 address.</param>
/// <param name="Mac">Its MAC address (zero while incomplete).</param>
/// <param name="State">Incomplete, resolved or static.</param>
/// <param name="ExpiresIn">How long a resolved entry has left; zero for the others.</param>
public readonly record struct ArpEntry(Ipv4Address Address, MacAddress Mac, ArpEntryState State, SimDuration ExpiresIn);

/// <summary>
/// The ARP cache of one interface (RFC 826): which MAC address is behind each IPv4 address
/// of the attached network. An unknown address is asked for by broadcast; packets for it wait
/// in a small queue, the request is repeated, and after the last one the packets are
/// given up as "host unreachable". Entries learned from replies and from requests for our
/// own address expire after <see cref="EntryLifetime"/>; static ones do not.
/// </summary>
public sealed class ArpCache : IEventTarget
{
    private const int RetryEvent = 1;

    private readonly IpInterface owner;
    private readonly Dictionary<Ipv4Address, Entry> entries = [];

    internal ArpCache(IpInterface owner) => this.owner = owner;

    /// <summary>How long a learned entry is trusted (default 60 s, as Linux keeps a stale entry before collecting it).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public SimDuration EntryLifetime
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, SimDuration.Zero);
            field = value;
        }
    } = SimDuration.FromSeconds(60);

    /// <summary>How long to wait for a reply before asking again (default 1 s).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public SimDuration RetryInterval
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, SimDuration.Zero);
            field = value;
        }
    } = SimDuration.FromSeconds(1);

    /// <summary>How many requests to send for one address before giving up (default 3).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int MaxRequests
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 3;

    /// <summary>
    /// How many packets may wait for one address (default 64: enough for the fragments of
    /// a 64 KiB datagram, as Linux queues 64 KiB and more). When full, the oldest is
    /// dropped: RFC 1122 (2.3.2.2) asks to keep at least the latest.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int MaxPendingPackets
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 64;

    /// <summary>Requests sent.</summary>
    public long RequestsSent { get; private set; }

    /// <summary>Replies sent to requests for our address.</summary>
    public long RepliesSent { get; private set; }

    /// <summary>Addresses given up on after the last request went unanswered.</summary>
    public long ResolutionsFailed { get; private set; }

    /// <summary>Entries, expired ones excepted, incomplete ones included.</summary>
    public int Count => GetEntries().Count;

    /// <summary>The MAC address of <paramref name="address"/>, when known and not expired.</summary>
    public bool TryGet(Ipv4Address address, out MacAddress mac)
    {
        ref Entry entry = ref CollectionsMarshal.GetValueRefOrNullRef(entries, address);
        if (!Unsafe.IsNullRef(ref entry) && entry.State != ArpEntryState.Incomplete && (entry.State == ArpEntryState.Static || entry.ExpiresAt > owner.Simulation.Now))
        {
            mac = entry.Mac;
            return true;
        }

        mac = default;
        return false;
    }

    /// <summary>Adds or replaces a static entry: <paramref name="address"/> is at <paramref name="mac"/>, for good.</summary>
    /// <exception cref="ArgumentException">The MAC address is not a unicast address.</exception>
    public void AddStatic(Ipv4Address address, MacAddress mac)
    {
        if (!mac.IsUnicast || mac == MacAddress.Zero)
        {
            throw new ArgumentException($"{address} cannot be mapped to {mac}: a station's MAC address is unicast and not zero.", nameof(mac));
        }

        Resolve(address, mac, ArpEntryState.Static);
    }

    /// <summary>Forgets <paramref name="address"/> (packets waiting for it are dropped). Returns false when it was not there.</summary>
    public bool Remove(Ipv4Address address)
    {
        if (!entries.Remove(address, out Entry entry))
        {
            return false;
        }

        Cancel(entry);
        DropPending(entry, notify: false);
        return true;
    }

    /// <summary>The entries, sorted by address; expired ones are left out.</summary>
    public IReadOnlyList<ArpEntry> GetEntries()
    {
        SimTime now = owner.Simulation.Now;
        var list = new List<ArpEntry>(entries.Count);
        foreach ((Ipv4Address address, Entry entry) in entries)
        {
            if (entry.State == ArpEntryState.Resolved && entry.ExpiresAt <= now)
            {
                continue;
            }

            list.Add(new ArpEntry(address, entry.Mac, entry.State, entry.State == ArpEntryState.Resolved ? entry.ExpiresAt - now : SimDuration.Zero));
        }

        list.Sort((a, b) => a.Address.CompareTo(b.Address));
        return list;
    }

    /// <summary>The cache as a table, one entry a line.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"ARP cache of {owner.Name} ({owner.Address} at {owner.Mac})").AppendLine();
        text.AppendLine("Address          MAC address        State       Expires in");
        foreach (ArpEntry entry in GetEntries())
        {
            string expires = entry.State == ArpEntryState.Resolved ? entry.ExpiresIn.ToString() : "";
            text.Append(CultureInfo.InvariantCulture, $"{entry.Address,-16} {(entry.State == ArpEntryState.Incomplete ? "(incomplete)" : entry.Mac.ToString()),-18} {entry.State,-11} {expires}").AppendLine();
        }

        return text.ToString();
    }

    /// <summary>
    /// Hands <paramref name="packet"/> (an IPv4 packet, owned by the cache from now on) to
    /// the interface once <paramref name="address"/> is resolved, asking for it when no
    /// request is out yet.
    /// </summary>
    internal void Enqueue(Ipv4Address address, FrameHandle packet)
    {
        ref Entry entry = ref CollectionsMarshal.GetValueRefOrAddDefault(entries, address, out bool exists);
        if (!exists || entry.State != ArpEntryState.Incomplete)
        {
            // New, or expired: start over (RFC 826 keeps no state for a stale entry worth reusing).
            entry = new Entry { State = ArpEntryState.Incomplete, Pending = entry.Pending ?? [] };
            entry.RequestsSent = 1;
            entry.Retry = owner.Simulation.Schedule(RetryInterval, this, RetryEvent, address.Value);
            SendRequest(address);
        }

        Queue<FrameHandle> pending = entry.Pending!;
        if (pending.Count >= MaxPendingPackets)
        {
            owner.Node.DropPacket(pending.Dequeue(), IpDropReason.ArpQueueFull);
        }

        pending.Enqueue(packet);
    }

    /// <summary>
    /// An ARP packet arrived on the interface: the merge and reply of RFC 826 ("Packet
    /// reception"). Learns the sender when it is already known or when the packet is for us,
    /// and answers requests for our address.
    /// </summary>
    internal void OnPacket(in ArpPacket packet)
    {
        if (packet.SenderIp == Ipv4Address.Any || !packet.SenderMac.IsUnicast)
        {
            return; // an ARP probe (RFC 5227) or a bogus sender: nothing to learn
        }

        bool forUs = packet.TargetIp == owner.Address;
        if (entries.ContainsKey(packet.SenderIp) || forUs)
        {
            Resolve(packet.SenderIp, packet.SenderMac, ArpEntryState.Resolved);
        }

        if (forUs && packet.Operation == ArpOperation.Request)
        {
            RepliesSent++;
            owner.SendArp(packet.ReplyFrom(owner.Mac), packet.SenderMac);
        }
    }

    /// <inheritdoc/>
    void IEventTarget.OnEvent(int kind, long argument)
    {
        var address = Ipv4Address.FromUInt32(checked((uint)argument));
        ref Entry entry = ref CollectionsMarshal.GetValueRefOrNullRef(entries, address);
        if (Unsafe.IsNullRef(ref entry) || entry.State != ArpEntryState.Incomplete)
        {
            return;
        }

        if (entry.RequestsSent < MaxRequests)
        {
            entry.RequestsSent++;
            entry.Retry = owner.Simulation.Schedule(RetryInterval, this, RetryEvent, argument);
            SendRequest(address);
            return;
        }

        // RFC 1122, 2.3.2.1: give up, and report "host unreachable" for what waited.
        ResolutionsFailed++;
        Entry failed = entry;
        entries.Remove(address);
        DropPending(failed, notify: true);
    }

    private void SendRequest(Ipv4Address address)
    {
        RequestsSent++;
        owner.SendArp(ArpPacket.Request(owner.Mac, owner.Address, address), MacAddress.Broadcast);
    }

    private void Resolve(Ipv4Address address, MacAddress mac, ArpEntryState state)
    {
        ref Entry entry = ref CollectionsMarshal.GetValueRefOrAddDefault(entries, address, out bool exists);
        if (exists && entry.State == ArpEntryState.Static && state != ArpEntryState.Static)
        {
            return;
        }

        Queue<FrameHandle>? pending = entry.Pending;
        Cancel(entry);
        entry = new Entry { Mac = mac, State = state, ExpiresAt = owner.Simulation.Now + EntryLifetime, Pending = pending };
        while (pending is { Count: > 0 })
        {
            owner.SendResolved(pending.Dequeue(), mac);
        }
    }

    private void Cancel(in Entry entry)
    {
        if (entry.State == ArpEntryState.Incomplete)
        {
            owner.Simulation.Cancel(entry.Retry);
        }
    }

    private void DropPending(in Entry entry, bool notify)
    {
        while (entry.Pending is { Count: > 0 })
        {
            FrameHandle packet = entry.Pending.Dequeue();
            if (notify)
            {
                owner.Node.OnHostUnreachable(owner, packet);
            }
            else
            {
                owner.Node.DropPacket(packet, IpDropReason.HostUnreachable);
            }
        }
    }

    private struct Entry
    {
        public MacAddress Mac;
        public ArpEntryState State;
        public SimTime ExpiresAt;
        public int RequestsSent;
        public EventHandle Retry;
        public Queue<FrameHandle>? Pending; // kept once made: an address resolved once is likely resolved again
    }
}
