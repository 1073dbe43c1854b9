using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using NetSim.Labs;

namespace NetSim.Cli.Tests;

/// <summary>The netsim command's commands, run in-process: what they print and their exit codes.</summary>
public sealed partial class CommandTests
{
    // a pings b, but they are in different subnets and a has no gateway: the check "answered" fails.
    private const string FailingLab = """
        name: lost-ping
        seed: 1
        devices:
          a: { kind: host, address: 10.0.0.1/24 }
          b: { kind: host, address: 10.0.1.2/24 }
        links:
          - { between: [a, b], rate: 100Mbps, delay: 5 us }
        applications:
          - { kind: ping, id: ping, on: a, to: b, count: 1 }
        checks:
          - { kind: ping, application: ping, outcome: answered }
          - { kind: arp-cache, device: a, holds: b, expected: false }
        """;

    private const string BadLab = """
        name: bad
        devices:
          a: { kind: hots }
        """;

    [Fact]
    public void A_lesson_whose_checks_pass_exits_0_and_says_so()
    {
        var (exitCode, output, error) = Netsim.Run("lesson", "two-computers");

        exitCode.Should().Be(0, error);
        error.Should().BeEmpty();
        output.Should().Contain("part 1 of 2").And.Contain("part 2 of 2");
        CheckedLines(output).Should().Equal("2 of 2 checks passed", "2 of 2 checks passed");
        output.Should().Contain("alice's ARP cache holds bob (192.168.1.2)", "the checks' table shows what each expected");
        output.Should().Contain("bob/eth0 answered the ARP request of 192.168.1.1", "the narrator tells the run");
        output.Should().Contain("icmp 192.168.1.1 > 192.168.1.2", "the flows are shown");
        output.Should().NotContain("\u001b[", "redirected output has no colours");
    }

    [Fact]
    public void A_failing_check_exits_1_and_shows_FAIL_with_what_was_observed()
    {
        using var folder = new TempFolder();
        string lab = folder.Write("lost.yaml", FailingLab);

        var (exitCode, output, _) = Netsim.Run("run", lab, "--quiet");

        exitCode.Should().Be(1);
        output.Should().MatchRegex(@"FAIL\s+│ the ping 'ping' is answered\s+│ 0 of 1 echo requests answered");
        output.Should().MatchRegex(@"PASS\s+│ a's ARP cache does not hold b");
        CheckedLines(output).Should().Equal("1 of 2 checks passed");
    }

    [Fact]
    public void Quiet_leaves_out_the_narration_only()
    {
        var (exitCode, output, _) = Netsim.Run("lesson", "switch", "--quiet");

        exitCode.Should().Be(0);
        output.Should().NotContain("accepted the frame");
        output.Should().Contain("6 of 6 checks passed");
    }

    [Fact]
    public void A_mistake_in_the_lab_file_exits_2_with_its_file_line_and_column_and_no_stack_trace()
    {
        using var folder = new TempFolder();
        string lab = folder.Write("bad.yaml", BadLab);

        foreach (string command in (string[])["run", "check"])
        {
            var (exitCode, output, error) = Netsim.Run(command, lab);

            exitCode.Should().Be(2);
            output.Should().BeEmpty();
            error.Should().Be($"{lab}:3:14: device 'a': unknown kind 'hots'; a device is host, switch, hub, router, dns-server or web-server; did you mean 'host'?\n");
        }
    }

    [Fact]
    public void A_lab_that_cannot_be_built_fails_check_with_exit_code_2()
    {
        using var folder = new TempFolder();
        string lab = folder.Write("plan.yaml", """
            name: plan
            address-plan: { pool: 10.0.0.0/30, subnet-prefix: 30 }
            devices:
              a: { kind: host }
              b: { kind: host }
              c: { kind: host }
              s: { kind: switch, ports: 4 }
            links:
              - { between: [a, s] }
              - { between: [b, s] }
              - { between: [c, s] }
            """);

        var (exitCode, _, error) = Netsim.Run("check", lab);

        exitCode.Should().Be(2);
        error.Should().StartWith($"{lab}:").And.Contain("has no free address left for c/eth0").And.NotContain(" at NetSim.");
    }

    [Fact]
    public void Check_reads_and_builds_a_good_lab_and_counts_what_it_has()
    {
        using var folder = new TempFolder();
        string lab = folder.Write("same.yaml", LabLessons.Find("two-computers")!.ReadPart("two-computers-same-subnet.yaml"));

        var (exitCode, output, error) = Netsim.Run("check", lab);

        exitCode.Should().Be(0, error);
        output.Should().Be($"{lab}: ok (2 devices, 1 link, 2 checks)\n");
    }

    [Theory]
    [InlineData("run", "--bogus")]
    [InlineData("lessons", "extra")]
    [InlineData("run")]
    [InlineData("frobnicate")]
    public void A_wrong_command_line_exits_2_with_one_line_naming_the_problem_then_the_usage(params string[] args)
    {
        var (exitCode, output, error) = Netsim.Run(args);

        exitCode.Should().Be(2);
        output.Should().BeEmpty();
        error.Should().StartWith("netsim: ").And.Contain("Usage:");
    }

    [Fact]
    public void An_unknown_lesson_exits_2_naming_the_lessons_and_the_closest()
    {
        var (exitCode, _, error) = Netsim.Run("lesson", "swich");

        exitCode.Should().Be(2);
        error.Split('\n')[0].Should().Be("netsim: no lesson 'swich'; the lessons are two-computers, hub, switch, router, dns, web-visit; did you mean 'switch'?");
    }

    [Fact]
    public void A_bad_time_for_until_exits_2()
    {
        var (exitCode, _, error) = Netsim.Run("lesson", "switch", "--until", "soon");

        exitCode.Should().Be(2);
        error.Should().StartWith("netsim: --until: 'soon' is not a time");
    }

    [Fact]
    public void Until_and_seed_override_the_lab()
    {
        var (exitCode, output, _) = Netsim.Run("lesson", "switch", "--json", "--until", "500 ms", "--seed", "7");

        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement part = json.RootElement.GetProperty("parts")[0];
        part.GetProperty("endTime").GetString().Should().Be("500 ms");
        part.GetProperty("seed").GetString().Should().Be("7");
        exitCode.Should().Be(part.GetProperty("passed").GetBoolean() ? 0 : 1);
    }

    [Fact]
    public void Json_prints_one_document_with_the_checks_and_nothing_else()
    {
        using var folder = new TempFolder();
        string lab = folder.Write("lost.yaml", FailingLab);

        var (exitCode, output, _) = Netsim.Run("run", lab, "--json", "--fingerprint");

        exitCode.Should().Be(1);
        using JsonDocument json = JsonDocument.Parse(output); // throws if anything else was printed
        JsonElement root = json.RootElement;
        root.GetProperty("lab").GetString().Should().Be("lost-ping");
        root.GetProperty("passed").GetBoolean().Should().BeFalse();
        root.GetProperty("checksPassed").GetInt32().Should().Be(1);
        JsonElement[] checks = [.. root.GetProperty("checks").EnumerateArray()];
        checks.Should().HaveCount(2);
        checks[0].GetProperty("kind").GetString().Should().Be("ping");
        checks[0].GetProperty("passed").GetBoolean().Should().BeFalse();
        checks[0].GetProperty("line").GetInt32().Should().Be(11);
        checks[0].GetProperty("observed").GetString().Should().StartWith("0 of 1 echo requests answered");
        checks[1].GetProperty("kind").GetString().Should().Be("arp-cache");
        checks[1].GetProperty("passed").GetBoolean().Should().BeTrue();
        root.GetProperty("applications")[0].GetProperty("succeeded").GetBoolean().Should().BeFalse();
        root.GetProperty("fingerprint").GetProperty("value").GetString().Should().MatchRegex("^[0-9a-f]{16}$");
        root.GetProperty("flows").ValueKind.Should().Be(JsonValueKind.Array);

        Netsim.Run("run", lab, "--json", "--fingerprint").Output.Should().Be(output, "the same run prints the same document");
    }

    [Fact]
    public void The_web_visit_lesson_runs_as_the_WebVisit_sample_does()
    {
        // samples/WebVisit --fingerprint prints this value (tests/NetSim.Tests/Samples/SampleFingerprintTests pins it).
        var (exitCode, output, _) = Netsim.Run("lesson", "web-visit", "--quiet", "--fingerprint");

        exitCode.Should().Be(0);
        output.Should().MatchRegex(@"\nfingerprint: 8248bb811186c867 \(\d+ events, \d+ frames\)\n");
    }

    [Fact]
    public void No_argument_runs_the_web_visit_lesson()
    {
        var (exitCode, output, _) = Netsim.Run();

        exitCode.Should().Be(0);
        output.Should().StartWith("── Lesson web-visit: Visiting a web site");
        output.Should().Contain("checks passed");
    }

    [Fact]
    public void Export_writes_the_lessons_lab_files_as_shipped_and_runs_nothing()
    {
        using var folder = new TempFolder();
        string target = Path.Combine(folder.Path, "new", "labs");
        LabLesson lesson = LabLessons.Find("hub")!;

        var (exitCode, output, _) = Netsim.Run("lesson", "hub", "--export", target);

        exitCode.Should().Be(0);
        Directory.GetFiles(target).Select(Path.GetFileName).Should().BeEquivalentTo(lesson.Parts);
        foreach (string part in lesson.Parts)
        {
            File.ReadAllText(Path.Combine(target, part)).Should().Be(lesson.ReadPart(part));
            output.Should().Contain($"netsim run {Path.Combine(target, part)}");
        }

        output.Should().NotContain("checks passed");
    }

    [Fact]
    public void An_exported_lab_file_runs_as_the_lesson_does()
    {
        using var folder = new TempFolder();
        _ = Netsim.Run("lesson", "router", "--export", folder.Path);

        string fromFile = Netsim.Run("run", Path.Combine(folder.Path, "router.yaml"), "--quiet", "--fingerprint").Output;
        string fromLesson = Netsim.Run("lesson", "router", "--quiet", "--fingerprint").Output;

        FingerprintLine().Match(fromFile).Value.Should().NotBeEmpty().And.Be(FingerprintLine().Match(fromLesson).Value);
    }

    [Fact]
    public void Lessons_lists_every_lesson_in_order()
    {
        var (exitCode, output, _) = Netsim.Run("lessons");

        exitCode.Should().Be(0);
        int[] positions = [.. LabLessons.All.Select((l, i) => output.IndexOf($"│ {i + 1} │ {l.Name} ", StringComparison.Ordinal))];
        positions.Should().OnlyContain(p => p >= 0).And.BeInAscendingOrder();
    }

    [Fact]
    public void Schema_prints_the_lab_formats_JSON_Schema()
    {
        var (exitCode, output, _) = Netsim.Run("schema");

        exitCode.Should().Be(0);
        output.Should().Be(LabFile.Schema.ReplaceLineEndings("\n"));
        Netsim.Run("--help").Output.Should().Contain("netsim schema > lab.schema.json");
    }

    [Fact]
    public void Tables_prints_the_devices_tables_and_an_unknown_device_is_an_error()
    {
        var (exitCode, output, _) = Netsim.Run("lesson", "switch", "--quiet", "--tables", "sw");

        exitCode.Should().Be(0);
        output.Should().Contain("Tables of sw:");

        var (badExit, _, error) = Netsim.Run("lesson", "switch", "--quiet", "--tables", "nosuch");
        badExit.Should().Be(2);
        error.Should().StartWith("netsim: --tables: the lab switch has no device 'nosuch'");
    }

    [Fact]
    public void Pcap_and_report_write_their_files_and_say_where()
    {
        using var folder = new TempFolder();
        string captures = Path.Combine(folder.Path, "captures");
        string report = Path.Combine(folder.Path, "run.html");

        var (exitCode, output, _) = Netsim.Run("lesson", "switch", "--quiet", "--pcap", captures, "--report", report);

        exitCode.Should().Be(0);
        string[] files = Directory.GetFiles(captures);
        files.Should().NotBeEmpty();
        files.Should().OnlyContain(f => new FileInfo(f).Length > 24, "each capture has frames after the pcap header");
        output.Should().Contain("Captures written").And.Contain(files[0]);
        File.ReadAllText(report).Should().StartWith("<!doctype html>");
        output.Should().Contain($"Report written to {report}");
    }

    [Fact]
    public void A_file_that_cannot_be_written_exits_2_with_one_line_and_no_stack_trace()
    {
        using var folder = new TempFolder();
        string report = Path.Combine(folder.Path, "missing", "run.html");

        var (exitCode, output, error) = Netsim.Run("lesson", "switch", "--quiet", "--report", report);

        exitCode.Should().Be(2);
        output.Should().BeEmpty("nothing runs");
        error.Split('\n')[0].Should().Be($"netsim: --report cannot write '{report}': the folder '{Path.GetDirectoryName(report)}' does not exist.");
        error.Should().NotContain("   at ", "no stack trace");
    }

    [Fact]
    public void Numbers_are_printed_in_the_invariant_culture_whatever_the_users()
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        string invariant, german;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            invariant = Netsim.Run("lesson", "hub", "--quiet").Output + Netsim.Run("lesson", "hub", "--json").Output;
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            german = Netsim.Run("lesson", "hub", "--quiet").Output + Netsim.Run("lesson", "hub", "--json").Output;
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }

        german.Should().Be(invariant);
    }

    private static string[] CheckedLines(string output) => [.. CheckedLine().Matches(output).Select(m => m.Value)];

    [GeneratedRegex(@"^\d+ of \d+ checks passed$", RegexOptions.Multiline)]
    private static partial Regex CheckedLine();

    [GeneratedRegex(@"fingerprint: [0-9a-f]{16} \(\d+ events, \d+ frames\)")]
    private static partial Regex FingerprintLine();
}
