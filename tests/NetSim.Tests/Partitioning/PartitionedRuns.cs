namespace NetSim.Tests.Partitioning;

/// <summary>
/// Tests that run partitions on threads of their own run alone, not beside other test classes:
/// on a 2-core machine their threads would slow the others' measurements (a JIT tier-up landing
/// in an allocation test's measured stretch).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PartitionedRuns
{
    public const string Name = "Partitioned runs";
}
