using System.Diagnostics;
using System.Globalization;

namespace NetSim.Benchmarks.Scenarios;

/// <summary>
/// The <c>scenarios</c> mode: runs S2, S3 and S4 once each and prints wall time, datagrams
/// delivered, events and (for the hub) collisions. Not BenchmarkDotNet: one cold run each,
/// JIT included. Collisions are counted in a second run of S4 with a trace listener (the
/// timed run traces nothing), which must deliver exactly as many datagrams: runs are
/// deterministic. Only its event count differs: with tracing on, the hub sends every
/// repeated frame to every station as an event, where the untraced run counts the frames a
/// station would drop as not for it without one (see <c>Hub</c>). Name scenarios (S2, S3,
/// S4) to run only those; "xN" runs each N times (the first run is cold, the others warm).
/// </summary>
internal static class ScenarioRunner
{
    public static void Run(string[] only)
    {
        // "xN" runs each named scenario N times (warm runs for profiles and steadier timings).
        int times = only.Where(a => a.StartsWith('x')).Select(a => int.Parse(a[1..], CultureInfo.InvariantCulture)).DefaultIfEmpty(1).Last();
        only = [.. only.Where(a => !a.StartsWith('x'))];
        bool Wanted(string name) => only.Length == 0 || only.Contains(name, StringComparer.OrdinalIgnoreCase);
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        Console.WriteLine($"{"scenario",-16} {"build",9} {"run",9} {"cpu",9} {"offered",9} {"delivered",9} {"per s wall",12} {"events",11} {"ev/pkt",7} {"router hops",11} {"hops/s wall",12} {"alloc in run",12}");
        for (int i = 0; i < times; i++)
        {
            if (Wanted("S2"))
            {
                Print(Scenario.SwitchStar);
            }

            if (Wanted("S3"))
            {
                Print(Scenario.RouterChain);
            }

            if (Wanted("S4") && i < times - 1)
            {
                Print(Scenario.HubShared);
            }
        }

        if (!Wanted("S4"))
        {
            return;
        }

        ScenarioResult hub = Print(Scenario.HubShared);

        var collisions = new CollisionCounter();
        ScenarioResult traced = Scenario.HubShared(collisions).Run();
        if (traced with { Events = hub.Events } != hub)
        {
            throw new InvalidOperationException($"S4 with a trace listener did something else: {traced} against {hub}.");
        }

        Console.WriteLine(
            $"S4 hub: {collisions.Collided:N0} station collisions (stations that jammed, counted once per collision each), {collisions.BackedOff:N0} backoffs, "
            + $"{hub.CollisionDrops:N0} frames dropped after 16 attempts; {hub.Delivered * 100.0 / hub.Offered:F2}% of the offered datagrams delivered.");
    }

    private static ScenarioResult Print(Func<NetSim.Tracing.ITraceListener?, Scenario> make)
    {
        var watch = Stopwatch.StartNew();
        Scenario scenario = make(null);
        TimeSpan build = watch.Elapsed;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        watch.Restart();
        ScenarioResult result = scenario.Run();
        TimeSpan run = watch.Elapsed;
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore; // less disturbed than wall time on a busy machine
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        double seconds = run.TotalSeconds;
        Console.WriteLine(
            $"{result.Name,-16} {build.TotalMilliseconds,7:F1}ms {seconds,8:F3}s {cpu.TotalSeconds,8:F3}s {result.Offered,9:N0} {result.Delivered,9:N0} {result.Delivered / seconds,12:N0} {result.Events,11:N0} {(double)result.Events / result.Delivered,7:F2} {result.RouterHops,11:N0} {result.RouterHops / seconds,12:N0} {allocated,12:N0}");
        return result;
    }
}
