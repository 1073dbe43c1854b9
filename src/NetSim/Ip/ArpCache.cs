using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Ip;

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
/// own address expire after <see cref="EntryLifetime"/> and are then removed; static ones do
/// not. The cache holds at most <see cref="MaxEntries"/> learned entries and evicts the
/// oldest when a new one needs room, so a flood of senders cannot grow it without bound.
/// </summary>
public sealed class ArpCache : IEventTarget
{
    private const int RetryEvent = 1;
    private const int ExpiryEvent = 2;
    private const int SpareQueues = 4;

    private readonly IpInterface owner;
    private readonly Dictionary<Ipv4Address, Entry> entries = [];

    // Learned and incomplete entries in the order they were made, for eviction. A record whose
    // stamp no longer matches its entry is stale and skipped; the queue is compacted when stale
    // records outnumber live ones.
    private readonly Queue<(Ipv4Address Address, long Stamp)> age = new();
    private readonly Stack<Queue<FrameHandle>> spareQueues = new();
    private long nextStamp;
    private int dynamicCount;
    private int pendingCount;
    private SimTime expiryAt = SimTime.MaxValue;

    internal ArpCache(IpInterface owner) => this.owner = owner;

    private Tracer Tracer => owner.Node.Network.Tracer;

    /// <summary>How long a learned entry is trusted before it is removed (default 60 s, as Linux keeps a stale entry before collecting it).</summary>
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
    /// How many learned or incomplete entries the cache holds (default 1,024, Linux's
    /// <c>gc_thresh3</c>, the hard limit of its neighbour table). When a new address needs
    /// room in a full cache, the oldest entry is evicted (packets waiting on it are dropped
    /// as <see cref="IpDropReason.ArpCacheFull"/>). Static entries do not count.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int MaxEntries
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 1024;

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

    /// <summary>
    /// How many packets may wait for ARP on this interface, all addresses together (default
    /// 256; NetSim's own bound, as Linux bounds the queue per address only). When full, a
    /// packet for an address that already has some waiting replaces that address's oldest;
    /// otherwise it is dropped (<see cref="IpDropReason.ArpQueueFull"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int MaxPendingPacketsTotal
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 256;

    /// <summary>Requests sent.</summary>
    public long RequestsSent { get; private set; }

    /// <summary>Replies sent to requests for our address.</summary>
    public long RepliesSent { get; private set; }

    /// <summary>Addresses given up on after the last request went unanswered.</summary>
    public long ResolutionsFailed { get; private set; }

    /// <summary>Entries evicted to make room in a full cache.</summary>
    public long Evictions { get; private set; }

    /// <summary>Entries, expired ones excepted, incomplete ones included.</summary>
    public int Count => GetEntries().Count;

    /// <summary>Packets waiting for an address to resolve, all addresses together.</summary>
    public int PendingPackets => pendingCount;

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
    public bool Remove(Ipv4Address address) => RemoveEntry(address, IpDropReason.HostUnreachable);

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

    /// <summary>
    /// The cache now as a table, like <c>ip neigh show dev</c>: a title naming the interface,
    /// then address, MAC address, state and time left of each entry in the order of
    /// <see cref="GetEntries"/>. <see cref="IpNode.FormatArp"/> prints every interface's at once.
    /// </summary>
    public override string ToString()
    {
        var table = new TextTable(
            string.Create(CultureInfo.InvariantCulture, $"ARP cache of {owner.Name} ({owner.Address} at {owner.Mac})"),
            "Address", "MAC address", "State", "Expires in");
        foreach (ArpEntry entry in GetEntries())
        {
            table.Add(Cells(entry));
        }

        return table.ToString();
    }

    /// <summary>The cells of one entry: address, MAC address, state, time left (empty unless resolved).</summary>
    internal static string[] Cells(ArpEntry entry) =>
    [
        entry.Address.ToString(),
        entry.State == ArpEntryState.Incomplete ? "(incomplete)" : entry.Mac.ToString(),
        entry.State switch
        {
            ArpEntryState.Incomplete => "incomplete",
            ArpEntryState.Resolved => "resolved",
            _ => "static",
        },
        entry.State == ArpEntryState.Resolved ? entry.ExpiresIn.ToString() : "",
    ];

    /// <summary>
    /// Hands <paramref name="packet"/> (an IPv4 packet, owned by the cache from now on) to
    /// the interface once <paramref name="address"/> is resolved, asking for it when no
    /// request is out yet.
    /// </summary>
    internal void Enqueue(Ipv4Address address, FrameHandle packet)
    {
        if (!entries.ContainsKey(address))
        {
            MakeRoom();
        }

        ref Entry entry = ref CollectionsMarshal.GetValueRefOrAddDefault(entries, address, out bool exists);
        if (!exists || entry.State != ArpEntryState.Incomplete)
        {
            // New, or expired: start over (RFC 826 keeps no state for a stale entry worth reusing).
            if (!exists || entry.State == ArpEntryState.Static)
            {
                dynamicCount++;
            }

            entry = new Entry { State = ArpEntryState.Incomplete, Pending = entry.Pending ?? TakeQueue(), Stamp = Stamp(address) };
            entry.RequestsSent = 1;
            entry.Retry = owner.Simulation.Schedule(RetryInterval, this, RetryEvent, address.Value);
            SendRequest(address, 1);
        }

        Queue<FrameHandle> pending = entry.Pending!;
        if (pending.Count >= MaxPendingPackets || (pendingCount >= MaxPendingPacketsTotal && pending.Count > 0))
        {
            pendingCount--;
            owner.Node.DropPacket(pending.Dequeue(), IpDropReason.ArpQueueFull);
        }
        else if (pendingCount >= MaxPendingPacketsTotal)
        {
            owner.Node.DropPacket(packet, IpDropReason.ArpQueueFull);
            return;
        }

        pendingCount++;
        pending.Enqueue(packet);
        if (Tracer.IsOn)
        {
            Tracer.Raise(new ArpEvent(owner.Simulation.Now, owner.Name, ArpEventKind.PacketQueued, address, MacAddress.Zero) { Waiting = pending.Count });
        }
    }

    /// <summary>
    /// An ARP packet arrived on the interface: the merge and reply of RFC 826 ("Packet
    /// reception"). Learns the sender when it is already known or when the packet is for us,
    /// and only when the sender is on the interface's network; answers requests for our address.
    /// </summary>
    internal void OnPacket(in ArpHeader packet)
    {
        if (packet.SenderIp == Ipv4Address.Any || !packet.SenderMac.IsUnicast)
        {
            return; // an ARP probe (RFC 5227) or a bogus sender: nothing to learn
        }

        bool forUs = packet.TargetIp == owner.Address;
        bool known = entries.ContainsKey(packet.SenderIp);
        if ((known || forUs) && owner.IsOnLink(packet.SenderIp) && packet.SenderIp != owner.Address)
        {
            // RFC 826: update an entry we have ("merge"); add one only when the packet is for us.
            if (!known)
            {
                MakeRoom();
            }

            Resolve(packet.SenderIp, packet.SenderMac, ArpEntryState.Resolved);
        }

        if (forUs && packet.Operation == ArpOperation.Request)
        {
            RepliesSent++;
            if (Tracer.IsOn)
            {
                Tracer.Raise(new ArpEvent(owner.Simulation.Now, owner.Name, ArpEventKind.ReplySent, packet.SenderIp, packet.SenderMac));
            }

            owner.SendArp(packet.ReplyFrom(owner.Mac), packet.SenderMac);
        }
    }

    /// <inheritdoc/>
    void IEventTarget.OnEvent(int kind, long argument)
    {
        if (kind == ExpiryEvent)
        {
            if (argument == expiryAt.Picoseconds)
            {
                RemoveExpired(); // else replaced by an earlier one
            }

            return;
        }

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
            SendRequest(address, entry.RequestsSent);
            return;
        }

        // RFC 1122, 2.3.2.1: give up, and report "host unreachable" for what waited.
        ResolutionsFailed++;
        if (Tracer.IsOn)
        {
            Tracer.Raise(new ArpEvent(owner.Simulation.Now, owner.Name, ArpEventKind.Failed, address, MacAddress.Zero) { Waiting = entry.Pending?.Count ?? 0 });
        }

        Entry failed = entry;
        entries.Remove(address);
        dynamicCount--;
        DropPending(failed, IpDropReason.HostUnreachable, notify: true);
        ReturnQueue(failed.Pending);
        TrimWhenEmpty();
    }

    private void SendRequest(Ipv4Address address, int attempt)
    {
        RequestsSent++;
        if (Tracer.IsOn)
        {
            Tracer.Raise(new ArpEvent(owner.Simulation.Now, owner.Name, ArpEventKind.RequestSent, address, MacAddress.Zero) { Attempt = attempt });
        }

        owner.SendArp(ArpHeader.Request(owner.Mac, owner.Address, address), MacAddress.Broadcast);
    }

    private void Resolve(Ipv4Address address, MacAddress mac, ArpEntryState state)
    {
        ref Entry entry = ref CollectionsMarshal.GetValueRefOrAddDefault(entries, address, out bool exists);
        if (exists && entry.State == ArpEntryState.Static && state != ArpEntryState.Static)
        {
            return;
        }

        bool wasDynamic = exists && entry.State != ArpEntryState.Static;
        bool isDynamic = state != ArpEntryState.Static;
        long stamp = !isDynamic ? 0 : wasDynamic ? entry.Stamp : Stamp(address);
        dynamicCount += (isDynamic ? 1 : 0) - (wasDynamic ? 1 : 0);

        Queue<FrameHandle>? pending = entry.Pending;
        Cancel(entry);
        SimTime expiresAt = owner.Simulation.Now + EntryLifetime;
        entry = new Entry { Mac = mac, State = state, ExpiresAt = expiresAt, Stamp = stamp };
        if (isDynamic && Tracer.IsOn)
        {
            Tracer.Raise(new ArpEvent(owner.Simulation.Now, owner.Name, ArpEventKind.Resolved, address, mac));
        }

        while (pending is { Count: > 0 })
        {
            pendingCount--;
            owner.SendResolved(pending.Dequeue(), mac);
        }

        ReturnQueue(pending);
        if (isDynamic && expiresAt < expiryAt)
        {
            ScheduleExpiry(expiresAt);
        }
    }

    // Removes the entries whose lifetime is over, and wakes again when the next one ends.
    private void RemoveExpired()
    {
        expiryAt = SimTime.MaxValue;
        SimTime now = owner.Simulation.Now;
        SimTime next = SimTime.MaxValue;
        foreach ((Ipv4Address address, Entry entry) in entries)
        {
            if (entry.State != ArpEntryState.Resolved)
            {
                continue;
            }

            if (entry.ExpiresAt <= now)
            {
                entries.Remove(address); // allowed while enumerating a Dictionary
                dynamicCount--;
                if (Tracer.IsOn)
                {
                    Tracer.Raise(new ArpEvent(now, owner.Name, ArpEventKind.Expired, address, entry.Mac));
                }

            }
            else if (entry.ExpiresAt < next)
            {
                next = entry.ExpiresAt;
            }
        }

        if (next != SimTime.MaxValue)
        {
            ScheduleExpiry(next);
        }
        else
        {
            TrimWhenEmpty();
        }
    }

    // A cache emptied after a flood gives its memory back.
    private void TrimWhenEmpty()
    {
        if (entries.Count == 0 && age.Count > 0)
        {
            entries.TrimExcess();
            age.Clear();
            age.TrimExcess();
        }
    }

    // A background event: it runs as time passes but does not keep Simulation.Run going.
    // An earlier one replaces a later one; the later one then finds nothing due and is ignored.
    private void ScheduleExpiry(SimTime at)
    {
        expiryAt = at;
        owner.Simulation.ScheduleBackground(at, this, ExpiryEvent, at.Picoseconds);
    }

    // Makes room for one more learned or incomplete entry: evicts the oldest while the cache is full.
    private void MakeRoom()
    {
        while (dynamicCount >= MaxEntries && age.TryDequeue(out (Ipv4Address Address, long Stamp) oldest))
        {
            ref Entry entry = ref CollectionsMarshal.GetValueRefOrNullRef(entries, oldest.Address);
            if (!Unsafe.IsNullRef(ref entry) && entry.State != ArpEntryState.Static && entry.Stamp == oldest.Stamp)
            {
                Evictions++;
                RemoveEntry(oldest.Address, IpDropReason.ArpCacheFull);
            }
        }
    }

    private long Stamp(Ipv4Address address)
    {
        long stamp = ++nextStamp;
        age.Enqueue((address, stamp));
        if (age.Count > (2 * dynamicCount) + 64)
        {
            // Drop the records of entries that are gone or were made anew.
            int records = age.Count;
            for (int i = 0; i < records; i++)
            {
                (Ipv4Address Address, long Stamp) record = age.Dequeue();
                if (entries.TryGetValue(record.Address, out Entry entry) && entry.State != ArpEntryState.Static && entry.Stamp == record.Stamp)
                {
                    age.Enqueue(record);
                }
                else if (record.Stamp == stamp)
                {
                    age.Enqueue(record); // the entry being made now is not in the table yet
                }
            }
        }

        return stamp;
    }

    /// <summary>
    /// Forgets every entry that is not static and drops the packets waiting for them (the
    /// interface's address changed: what it knew was about its old network).
    /// </summary>
    internal void Flush()
    {
        foreach (Ipv4Address address in entries.Where(e => e.Value.State != ArpEntryState.Static).Select(e => e.Key).ToList())
        {
            RemoveEntry(address, IpDropReason.HostUnreachable);
        }
    }

    private bool RemoveEntry(Ipv4Address address, IpDropReason reason)
    {
        if (!entries.Remove(address, out Entry entry))
        {
            return false;
        }

        if (entry.State != ArpEntryState.Static)
        {
            dynamicCount--;
        }

        Cancel(entry);
        DropPending(entry, reason, notify: false);
        ReturnQueue(entry.Pending);
        return true;
    }

    private void Cancel(in Entry entry)
    {
        if (entry.State == ArpEntryState.Incomplete)
        {
            owner.Simulation.Cancel(entry.Retry);
        }
    }

    private void DropPending(in Entry entry, IpDropReason reason, bool notify)
    {
        while (entry.Pending is { Count: > 0 })
        {
            FrameHandle packet = entry.Pending.Dequeue();
            pendingCount--;
            if (notify)
            {
                owner.Node.OnHostUnreachable(owner, packet);
            }
            else
            {
                owner.Node.DropPacket(packet, reason);
            }
        }
    }

    // Waiting queues are kept for reuse, a few at most: resolution then allocates nothing once warm.
    private Queue<FrameHandle> TakeQueue() => spareQueues.TryPop(out Queue<FrameHandle>? queue) ? queue : new Queue<FrameHandle>();

    private void ReturnQueue(Queue<FrameHandle>? queue)
    {
        if (queue is not null && spareQueues.Count < SpareQueues)
        {
            spareQueues.Push(queue);
        }
    }

    private struct Entry
    {
        public MacAddress Mac;
        public ArpEntryState State;
        public SimTime ExpiresAt;
        public int RequestsSent;
        public EventHandle Retry;
        public long Stamp; // when the entry was made, for eviction of the oldest (0 for static entries)
        public Queue<FrameHandle>? Pending; // only while incomplete
    }
}
