using NetSim.Applications;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Topology;

// Two computers in one subnet, joined by a 100 Mb/s cable 5 us long.
var sim = new Simulation(seed: 1);
var network = new Network(sim);
var alice = new Host(network, "alice", "192.168.1.1/24");
var bob = new Host(network, "bob", "192.168.1.2/24");
_ = new Cable(alice.Port, bob.Port, DataRate.Parse("100Mbps"), SimDuration.FromMicroseconds(5));

// alice pings bob three times. Each reply prints at the simulated time it arrives:
// the first one waits for ARP to find bob's MAC address.
var ping = new Ping(alice, bob.Address) { Count = 3 };
ping.ResultReceived += (_, reply) => Console.WriteLine($"{sim.Now,12}  {reply}");
ping.Start();
sim.Run();

Console.WriteLine(ping.Summary);
