using System.Text.Json;

namespace NetSim.Cli.Tests;

/// <summary><c>netsim sweep</c> and lab parameters (<c>--set</c>, <c>--vary</c>).</summary>
public sealed class SweepCommandTests
{
    private const string LossyPing = """
        name: lossy-ping
        devices:
          alice: { kind: host, address: 10.0.0.1/24 }
          bob: { kind: host, address: 10.0.0.2/24 }
        links:
          - { between: [alice, bob], loss: "${loss:-0}" }
        applications:
          - { kind: ping, id: ping, on: alice, to: bob, count: 20 }
        checks:
          - { kind: ping, application: ping, outcome: answered }
        """;

    [Fact]
    public void A_sweep_runs_every_value_and_prints_each_results_mean_and_interval()
    {
        using var folder = new TempFolder();
        string lab = folder.Write("lab.yaml", LossyPing);

        (int exitCode, string output, string error) = Netsim.Run("sweep", lab, "--runs", "6", "--vary", "loss=0,0.3");

        error.Should().BeEmpty();
        exitCode.Should().Be(1, "with 30% loss some runs' ping is not answered, so a check failed");
        output.Should().StartWith($"Sweep of {lab}: 2 points x 6 runs (seeds from 0), mean and 95% confidence interval (Student's t):");
        output.Should().Contain("loss = 0:").And.Contain("loss = 0.3:");
        output.Should().MatchRegex(@"check 1 passed: the ping 'ping' is answered\s+│\s+1 │ \[1, 1\]\s+│ 6 │", "with no loss every run passes");
        output.Should().MatchRegex(@"ping 'ping' succeeded\s+│\s+0 │ \[0, 0\]\s+│ 6 │", "with 30% loss on each crossing, 20 pings never all come back");
    }

    [Fact]
    public void A_sweep_gives_the_same_numbers_on_one_thread_and_on_two()
    {
        using var folder = new TempFolder();
        string lab = folder.Write("lab.yaml", LossyPing);

        string one = Netsim.Run("sweep", lab, "--runs", "5", "--vary", "loss=0.1,0.2", "--parallel", "1", "--json").Output;
        string two = Netsim.Run("sweep", lab, "--runs", "5", "--vary", "loss=0.1,0.2", "--parallel", "2", "--json").Output;

        two.Should().Be(one);
        using JsonDocument json = JsonDocument.Parse(one);
        JsonElement points = json.RootElement.GetProperty("points");
        points.GetArrayLength().Should().Be(2);
        points[1].GetProperty("parameters").GetProperty("loss").GetString().Should().Be("0.2");
        JsonElement delivered = points[1].GetProperty("results").EnumerateArray().First(r => r.GetProperty("name").GetString()!.EndsWith("EchoRequest id 1: delivered share", StringComparison.Ordinal));
        delivered.GetProperty("count").GetInt32().Should().Be(5);
        delivered.GetProperty("mean").GetDouble().Should().BeInRange(0.6, 0.95, "20% of the requests are lost, give or take");
        delivered.GetProperty("halfWidth95").GetDouble().Should().BePositive();
    }

    [Fact]
    public void Another_seed_gives_other_runs()
    {
        using var folder = new TempFolder();
        string lab = folder.Write("lab.yaml", LossyPing);

        string seed0 = Netsim.Run("sweep", lab, "--runs", "3", "--vary", "loss=0.2", "--json").Output;
        string seed1 = Netsim.Run("sweep", lab, "--runs", "3", "--vary", "loss=0.2", "--seed", "1", "--json").Output;

        seed1.Should().NotBe(seed0);
    }

    [Theory]
    [InlineData("--vary", "loss", "netsim: --vary: 'loss' is not NAME=V1,V2,...")]
    [InlineData("--vary", "rate=1Mbps", "lab.yaml: the lab has no parameter 'rate'; its parameters are loss")]
    [InlineData("--vary", "loss=2", "lab.yaml:6:36: link 1: loss is a probability from 0 to 1, not '2'")]
    [InlineData("--runs", "0", "netsim: --runs needs a number of runs of at least 1, not 0")]
    public void A_wrong_sweep_exits_2_naming_the_problem(string option, string value, string message)
    {
        using var folder = new TempFolder();
        string lab = folder.Write("lab.yaml", LossyPing);

        (int exitCode, _, string error) = Netsim.Run("sweep", lab, option, value);

        exitCode.Should().Be(2);
        error.Split('\n')[0].Should().Be(message.StartsWith("lab.yaml", StringComparison.Ordinal) ? lab + message["lab.yaml".Length..] : message);
    }

    [Fact]
    public void Set_gives_a_parameter_its_value_for_run_and_check()
    {
        using var folder = new TempFolder();
        string lab = folder.Write("lab.yaml", LossyPing);

        Netsim.Run("run", lab, "--quiet").ExitCode.Should().Be(0, "the default loss is 0");
        (int exitCode, string output, _) = Netsim.Run("run", lab, "--quiet", "--set", "loss=1");
        exitCode.Should().Be(1);
        output.Should().MatchRegex(@"FAIL\s+│ the ping 'ping' is answered\s+│ 0 of 20 echo requests answered");
        Netsim.Run("check", lab, "--set", "loss=1").ExitCode.Should().Be(0);
        Netsim.Run("check", lab, "--set", "loss=7").Error.Should().StartWith($"{lab}:6:36: link 1: loss is a probability");
    }
}
