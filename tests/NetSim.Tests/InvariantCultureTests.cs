using System.Globalization;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Tests.Ip;
using NetSim.Topology;

namespace NetSim.Tests;

/// <summary>
/// The library's texts (values, summaries, tables) read the same on every machine, and what it prints it parses back,
/// whatever the current culture. The samples are checked the same way in Samples/SampleCultureTests.
/// </summary>
public class InvariantCultureTests
{
    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    [Fact]
    public void Values_with_fractions_print_a_decimal_point_under_a_German_culture_and_parse_back()
    {
        Under(German, () =>
        {
            DataRate rate = DataRate.FromMegabitsPerSecond(1500);
            SimDuration duration = SimDuration.FromMicroseconds(1250);
            SimTime time = SimTime.Zero + SimDuration.FromNanoseconds(2_500_500);

            $"{rate} {duration,10} {time}".Should().Be("1.5 Gbps   1.250 ms 2.501 ms");
            rate.ToString().Should().Be("1.5 Gbps");
            DataRate.Parse(rate.ToString()).Should().Be(rate);
            SimDuration.Parse(duration.ToString()).Should().Be(duration);
            SimDuration.Parse("1.5 ms").Should().Be(SimDuration.FromMicroseconds(1500));
            return 0;
        });
    }

    [Fact]
    public void Ping_and_router_texts_are_the_same_under_a_German_culture_as_under_the_invariant_culture()
    {
        string invariant = Under(CultureInfo.InvariantCulture, PingThroughARouter);
        string german = Under(German, PingThroughARouter);

        german.Should().Be(invariant);
        german.Should().Contain("3 packets transmitted, 2 received, 33.3333% packet loss", "iputils prints the loss with %g");
    }

    /// <summary>Pings across a router with one request lost, and returns every text the library made of it.</summary>
    private static string PingThroughARouter()
    {
        var net = new IpTestNetwork();
        (Host pc1, Router[] routers, Host pc2) = net.Chain(1);
        Router r1 = routers[0];
        pc1.Port.Cable!.FromA.Impairments.DropFrameNumbers.Add(3); // frame 1 is ARP, 2 the first request, 3 the second
        var ping = new Ping(pc1, pc2.Address) { Count = 3 };
        var text = new StringWriter { NewLine = "\n" };
        ping.ResultReceived += (_, result) => text.WriteLine($"{net.Simulation.Now,12}  {result}");
        text.WriteLine(ping.Banner);
        ping.Start();
        net.Simulation.Run();
        text.WriteLine(ping.Summary);
        text.WriteLine(r1.FormatRoutes());
        text.WriteLine(pc1.Interfaces[0].Arp);
        text.WriteLine($"{pc1} | {pc1.Interfaces[0]} | {pc1.Port} | {r1.Counters}");
        return text.ToString();
    }

    private static T Under<T>(CultureInfo culture, Func<T> action)
    {
        CultureInfo original = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = culture;
            return action();
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }
    }
}
