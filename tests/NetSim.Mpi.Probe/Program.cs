using System.Globalization;
using NetSim.Mpi;

// Every rank: its place, a minimum and a sum across ranks, then 1,000 windows of the exchange a partitioned run makes
// (a buffer to every peer whose length and bytes say who sent it in which window, then the minimum of the next bound),
// each received byte checked. Prints one line per rank; exits 1 on the first wrong byte.
using MpiWorld world = MpiWorld.Initialize();
int rank = world.Rank, size = world.Size;
long min = world.MinAcrossRanks(100 - rank);
long sum = world.SumAcrossRanks(rank + 1);
var outgoing = new ArraySegment<byte>[size];
byte[][] incoming = [.. Enumerable.Range(0, size).Select(_ => new byte[16])];
byte[][] sending = [.. Enumerable.Range(0, size).Select(_ => new byte[4096])];
long bound = 0, received = 0, allocatedBefore = 0;
for (int window = 0; window < 1000; window++)
{
    if (window == 300)
    {
        allocatedBefore = GC.GetAllocatedBytesForCurrentThread(); // the buffers (16 bytes at first) have grown to the longest (1,514) by now
    }

    for (int peer = 0; peer < size; peer++)
    {
        int length = Length(rank, peer, window);
        for (int i = 0; i < length; i++)
        {
            sending[peer][i] = Byte(rank, peer, window, i);
        }

        outgoing[peer] = new ArraySegment<byte>(sending[peer], 0, length);
    }

    IReadOnlyList<int> counts = world.ExchangeWithAll(outgoing, incoming);
    for (int peer = 0; peer < size; peer++)
    {
        int expected = peer == rank ? 0 : Length(peer, rank, window);
        bool wrong = counts[peer] != expected;
        for (int i = 0; i < expected && !wrong; i++)
        {
            wrong = incoming[peer][i] != Byte(peer, rank, window, i);
        }

        if (wrong)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rank {rank}: window {window}: from rank {peer} {counts[peer]} bytes, not the {expected} it sent"));
            return 1;
        }

        received += counts[peer];
    }

    bound = world.MinAcrossRanks(((window + 1) * 5_000_000_000L) + rank); // the next window's bound: the smallest rank's
}

long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
world.Barrier();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rank {rank} of {size}: min {min}, sum {sum}, 1000 windows, {received} bytes received and checked, last bound {bound}, {allocated} bytes allocated in windows 300 to 999"));
return 0;

static int Length(int from, int to, int window) => from == to ? 0 : ((from * 131) + (to * 17) + (window * 7)) % 1515;

static byte Byte(int from, int to, int window, int i) => unchecked((byte)((from * 31) + (to * 7) + window + i));
