using BenchmarkDotNet.Running;

// Pick benchmarks with --filter, for example:
//   dotnet run -c Release --project benchmarks/NetSim.Benchmarks -- --filter '*Scheduler*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
