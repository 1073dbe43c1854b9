using System.Globalization;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Experiments;
using NetSim.Links;
using NetSim.Topology;

namespace NetSim.Tests.Experiments;

public sealed class SweepTests
{
    /// <summary>alice pings bob 50 times over a cable that loses frames with the point's probability.</summary>
    private static Dictionary<string, double> LossyPing(SweepRun run)
    {
        var sim = new Simulation(run.Seed);
        var network = new Network(sim);
        var alice = new Host(network, "alice", "10.0.0.1/24");
        var bob = new Host(network, "bob", "10.0.0.2/24");
        var cable = new TopologyBuilder(network).Connect(alice, bob);
        double loss = double.Parse(run.Parameters["loss"], CultureInfo.InvariantCulture);
        cable.FromA.Impairments.LossProbability = loss;
        cable.FromB.Impairments.LossProbability = loss;
        var ping = new Ping(alice, bob.Address) { Count = 50, Interval = SimDuration.FromMilliseconds(10) };
        ping.Start();
        sim.Run();
        return new Dictionary<string, double> { ["received"] = ping.Summary.Received, ["events"] = sim.EventsExecuted };
    }

    private static readonly SweepOptions LossSweep = new()
    {
        Seed = 7,
        Replications = 8,
        Parameters = [new SweepParameter("loss", ["0", "0.1", "0.3"])],
    };

    [Fact]
    public void A_sweep_gives_the_same_results_on_one_thread_and_on_many()
    {
        SweepResult one = Sweep.Run(LossSweep with { MaxDegreeOfParallelism = 1 }, LossyPing);
        SweepResult many = Sweep.Run(LossSweep with { MaxDegreeOfParallelism = 4 }, LossyPing);

        many.FormatTable().Should().Be(one.FormatTable());
        many.Points.SelectMany(p => p.Runs.Select(r => r["events"])).Should().Equal(one.Points.SelectMany(p => p.Runs.Select(r => r["events"])));
    }

    [Fact]
    public void Each_point_runs_every_replication_and_more_loss_answers_fewer_pings()
    {
        SweepResult result = Sweep.Run(LossSweep, LossyPing);

        result.Points.Select(p => p.Parameters["loss"]).Should().Equal("0", "0.1", "0.3");
        result.Points.Should().OnlyContain(p => p.Runs.Count == 8 && p.Statistics["received"].Count == 8);
        result.Points[0].Statistics["received"].Should().Be(new SweepStatistic(8, 50, 0, 0), "nothing is lost on a perfect cable");
        SweepStatistic tenPercent = result.Points[1].Statistics["received"], thirtyPercent = result.Points[2].Statistics["received"];
        tenPercent.Mean.Should().BeInRange(36, 45, "an echo and its reply both cross: 0.9 x 0.9 x 50 = 40.5 expected");
        thirtyPercent.Mean.Should().BeInRange(19, 30, "0.7 x 0.7 x 50 = 24.5 expected");
        thirtyPercent.Upper.Should().BeLessThan(tenPercent.Lower, "eight runs tell the two apart");
    }

    [Fact]
    public void A_runs_seed_depends_on_its_replication_only_so_the_points_share_their_random_numbers()
    {
        var seeds = new System.Collections.Concurrent.ConcurrentDictionary<(int Point, int Replication), ulong>();
        _ = Sweep.Run(LossSweep with { Replications = 3 }, run =>
        {
            seeds[(run.Point, run.Replication)] = run.Seed;
            return new Dictionary<string, double>();
        });

        seeds.Should().HaveCount(9);
        for (int r = 0; r < 3; r++)
        {
            seeds[(0, r)].Should().Be(Sweep.SeedOf(7, r)).And.Be(seeds[(1, r)]).And.Be(seeds[(2, r)]);
        }

        new[] { seeds[(0, 0)], seeds[(0, 1)], seeds[(0, 2)] }.Should().OnlyHaveUniqueItems();
        Sweep.SeedOf(8, 0).Should().NotBe(Sweep.SeedOf(7, 0), "another sweep seed gives other runs");
    }

    [Fact]
    public void The_grid_is_every_combination_with_the_first_parameter_varying_slowest()
    {
        var options = new SweepOptions
        {
            Replications = 1,
            Parameters = [new SweepParameter("rate", ["10Mbps", "100Mbps"]), new SweepParameter("queue", ["drop-tail", "codel", "fq-codel"])],
        };

        SweepResult result = Sweep.Run(options, run => new Dictionary<string, double> { ["point"] = run.Point });

        result.Points.Select(p => $"{p.Parameters["rate"]} {p.Parameters["queue"]}").Should().Equal(
            "10Mbps drop-tail", "10Mbps codel", "10Mbps fq-codel", "100Mbps drop-tail", "100Mbps codel", "100Mbps fq-codel");
        result.Points.Select(p => p.Statistics["point"].Mean).Should().Equal(0, 1, 2, 3, 4, 5);
    }

    [Fact]
    public void The_confidence_interval_is_students_t_over_the_runs()
    {
        SweepStatistic statistic = SweepStatistic.Of([1, 2, 3, 4, 5]);

        statistic.Mean.Should().Be(3);
        statistic.StandardDeviation.Should().BeApproximately(Math.Sqrt(2.5), 1e-12);
        statistic.HalfWidth.Should().BeApproximately(2.776445105 * Math.Sqrt(2.5) / Math.Sqrt(5), 1e-9);
        statistic.ToString().Should().Be("3 ± 1.96 (n = 5)");
        SweepStatistic.Of([4.5]).HalfWidth.Should().Be(double.PositiveInfinity, "one run says nothing about the spread");
    }

    [Theory]
    [InlineData(1, 12.706205)]
    [InlineData(30, 2.042272)]
    [InlineData(31, 2.039513)]
    [InlineData(40, 2.021075)]
    [InlineData(60, 2.000298)]
    [InlineData(120, 1.979930)]
    [InlineData(1000, 1.962339)]
    public void The_t_quantile_matches_the_tables(int degreesOfFreedom, double expected)
    {
        SweepStatistic.StudentT975(degreesOfFreedom).Should().BeApproximately(expected, 2e-6);
    }

    [Fact]
    public void A_run_that_throws_fails_the_sweep_naming_its_point_and_replication()
    {
        Action sweep = () => Sweep.Run(LossSweep with { Replications = 2 }, run =>
            run.Parameters["loss"] == "0.1" && run.Replication == 1 ? throw new InvalidOperationException("no route") : new Dictionary<string, double>());

        sweep.Should().Throw<AggregateException>().Which.InnerExceptions.Should().ContainSingle()
            .Which.Message.Should().Be("Run 1 of point 1 (loss=0.1) failed: no route");
    }

    [Fact]
    public void The_table_has_a_line_per_point_and_result()
    {
        string table = Sweep.Run(LossSweep with { Replications = 2, MaxDegreeOfParallelism = 1 }, LossyPing).FormatTable();

        string[] lines = table.TrimEnd().Split('\n');
        lines.Should().HaveCount(7);
        lines[0].Should().MatchRegex(@"^point\s+result\s+mean\s+95% CI\s+n$");
        lines[1].Should().MatchRegex(@"^loss=0\s+received\s+50\s+\[50, 50\]\s+2$");
    }
}
