using NetSim.Engine;
// Design: the deterministic model for tests that need one particular frame lost (ns-3's
// ListErrorModel): no random draw at all, a set lookup per frame.


namespace NetSim.Links;

/// <summary>Loses the frames whose numbers are listed, whatever else happens; draws no random number.</summary>
public sealed class ListErrorModel : IErrorModel
{
    /// <summary>
    /// Frame numbers to lose: the first frame sent in the direction is number 1. For tests
    /// that need one particular frame lost.
    /// </summary>
    public ISet<long> FrameNumbers { get; } = new HashSet<long>();

    /// <inheritdoc/>
    public FrameFate Apply(Span<byte> frame, long frameNumber, RandomSource random) =>
        FrameNumbers.Contains(frameNumber) ? FrameFate.Lost : FrameFate.Delivered;
}
