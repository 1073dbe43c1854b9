using NetSim.Engine;
using NetSim.Tracing;

namespace NetSim.Labs;

/// <summary>What a run may change from its lab: the seed, the stop time, where captures go.</summary>
public sealed record LabRunOptions
{
    /// <summary>The seed; null: the lab's.</summary>
    public ulong? Seed { get; init; }

    /// <summary>When the run stops; null: the lab's <c>stop-time</c>, else when nothing is left to do.</summary>
    public SimTime? StopTime { get; init; }

    /// <summary>The folder the captures write their pcap files to (made if missing); null: no capture is written.</summary>
    public string? CaptureDirectory { get; init; }
}

/// <summary>How an application of a lab went.</summary>
/// <param name="Application">The application, as the lab declares it.</param>
/// <param name="Succeeded">Whether it did what it set out to (every ping answered, the visit done, the file delivered); null when that is not a question (constant-rate UDP) or it had not finished.</param>
/// <param name="Summary">What it printed, as its command would: a ping's replies and statistics, a visit's steps.</param>
public sealed record LabApplicationResult(LabApplication Application, bool? Succeeded, string Summary);

/// <summary>A check's verdict: what it expected and what the run showed.</summary>
/// <param name="Check">The check, as the lab declares it.</param>
/// <param name="Passed">Whether the run showed what it expected.</param>
/// <param name="Expected">The prediction, in words: "at 2 s, sw's MAC table maps pc's MAC (02:00:00:00:00:01) to port 0".</param>
/// <param name="Observed">What the run showed: "it maps it to port 0".</param>
public sealed record LabCheckResult(LabCheck Check, bool Passed, string Expected, string Observed)
{
    /// <summary>"PASS at 2 s, sw's MAC table ... : it maps it to port 0".</summary>
    public override string ToString() => $"{(Passed ? "PASS" : "FAIL")} {Expected}: {Observed}";
}

/// <summary>What a lab's run did (<see cref="LabRun.Run"/>).</summary>
/// <param name="Lab">The lab.</param>
/// <param name="EndTime">The simulated time the run ended at.</param>
/// <param name="Events">The events the simulation ran.</param>
/// <param name="Applications">Each application's outcome, in the lab's order.</param>
/// <param name="Checks">Each check's verdict, in the lab's order.</param>
/// <param name="Flows">The statistics of every flow (<see cref="FlowMonitor"/>).</param>
/// <param name="CaptureFiles">The pcap files written, in the lab's order.</param>
public sealed record LabResult(
    LabDefinition Lab,
    SimTime EndTime,
    long Events,
    IReadOnlyList<LabApplicationResult> Applications,
    IReadOnlyList<LabCheckResult> Checks,
    IReadOnlyList<FlowStatistics> Flows,
    IReadOnlyList<string> CaptureFiles)
{
    /// <summary>True when every check passed (and when there is none).</summary>
    public bool Passed => Checks.All(c => c.Passed);
}
