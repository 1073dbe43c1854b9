using NetSim.Engine;

namespace NetSim.Links;

/// <summary>What an <see cref="IErrorModel"/> decided for one frame on the wire.</summary>
/// <param name="IsLost">The frame never arrives (nothing else matters then).</param>
/// <param name="IsCorrupted">The frame arrives with bad bits: the receiving port's FCS check drops it.</param>
/// <param name="IsDuplicated">A copy of the frame arrives as well, at the same time.</param>
/// <param name="ExtraDelay">Added to the frame's arrival time (jitter; a large one lets frames overtake each other). Not negative.</param>
public readonly record struct FrameFate(bool IsLost, bool IsCorrupted, bool IsDuplicated, SimDuration ExtraDelay)
{
    /// <summary>The frame arrives as sent, on time.</summary>
    public static FrameFate Delivered => default;

    /// <summary>The frame is lost.</summary>
    public static FrameFate Lost => new(true, false, false, SimDuration.Zero);
}
