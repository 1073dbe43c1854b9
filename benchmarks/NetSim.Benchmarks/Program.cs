using BenchmarkDotNet.Running;
using NetSim.Benchmarks.Routing;

// Pick benchmarks with --filter, for example:
//   dotnet run -c Release --project benchmarks/NetSim.Benchmarks -- --filter '*Scheduler*'
// Where the bytes of a host go (a plain measurement, not BenchmarkDotNet):
//   dotnet run -c Release --project benchmarks/NetSim.Benchmarks -- host-memory [hosts]
if (args is ["host-memory", ..])
{
    HostMemoryBreakdown.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
