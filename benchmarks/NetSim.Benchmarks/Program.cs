using BenchmarkDotNet.Running;
using NetSim.Benchmarks.Routing;
using NetSim.Benchmarks.Scenarios;
using NetSim.Benchmarks.Transport;

// Pick benchmarks with --filter, for example:
//   dotnet run -c Release --project benchmarks/NetSim.Benchmarks -- --filter '*Scheduler*'
// Where the bytes of a host go (a plain measurement, not BenchmarkDotNet):
//   dotnet run -c Release --project benchmarks/NetSim.Benchmarks -- host-memory [hosts]
// A network of N hosts (47 per switch, 16 switches per edge router, one core router) built and run for
// [seconds] with 1,000 pinging pairs: build time, GC counts and pauses, bytes per host, peak working set:
//   dotnet run -c Release --project benchmarks/NetSim.Benchmarks -- large-network [hosts] [seconds] [bulk]
// Bulk TCP transfers of 14,000 segments, each timed and checked, with their counters (segments, events per MB);
// "all" turns on window scaling, timestamps and ECN:
//   dotnet run -c Release --project benchmarks/NetSim.Benchmarks -- transport [transfers] [all]
// The ns-3 scenarios S2, S3 and S4 once each, with their counters (delivered, events, collisions):
//   dotnet run -c Release --project benchmarks/NetSim.Benchmarks -- scenarios [S2] [S3] [S4] [xN]
// (xN: each scenario N times in one process, for warm timings and profiles)
if (args is ["host-memory", ..])
{
    HostMemoryBreakdown.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
    return;
}

if (args is ["large-network", ..])
{
    LargeNetwork.Run(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000,
        args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1,
        args.Contains("bulk"));
    return;
}

if (args is ["transport", ..])
{
    TcpBulkTransferBenchmarks.RunOnce(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5,
        args.Length > 2 && args[2] == "all" ? TcpBulkOptions.All : TcpBulkOptions.Classic);
    return;
}

if (args is ["scenarios", ..])
{
    ScenarioRunner.Run(args[1..]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
