using System.CommandLine;
using NetSim.Engine;

// No options: --help says what this shows, and anything else is an error (samples/SampleCommandLine.cs).
ParseResult options = new RootCommand("Simulated time and events: three frames cross a cable.").Parse(args);
if (options.PrintHelpOrError() is int exitCode)
{
    return exitCode;
}

// A sender puts three 1,518-byte frames on a 100 Mb/s cable, back to back. Each one
// arrives at the far end 5 us (about 1 km of fibre) after its last bit has left.
var sim = new Simulation(seed: 42);
DataRate rate = DataRate.Parse("100Mbps");
SimDuration sendTime = rate.TransmissionTime(1518);
SimDuration propagation = SimDuration.FromMicroseconds(5);

for (int frame = 1; frame <= 3; frame++)
{
    int n = frame;
    SimTime lastBitLeaves = SimTime.Zero + (sendTime * frame);
    sim.ScheduleAt(lastBitLeaves, () => Console.WriteLine($"{sim.Now,10}  frame {n} has left the sender"));
    sim.ScheduleAt(lastBitLeaves + propagation, () => Console.WriteLine($"{sim.Now,10}  frame {n} has arrived"));
}

sim.Run();
Console.WriteLine($"{sim.EventsExecuted} events; a 1,518-byte frame takes {sendTime} to send at {rate}.");
return 0;
