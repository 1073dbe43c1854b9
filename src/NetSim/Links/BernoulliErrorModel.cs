using NetSim.Engine;
// Design: independent draws per frame, the error model of most simulators (ns-3's
// RateErrorModel per packet, netem's "loss random"). The draws are in a fixed order, loss,
// then corruption, then duplication, each only when its probability is above zero, so that
// a run repeats exactly; Impairments calls the three draws one by one to put its jitter
// between the last two, as it always has.


namespace NetSim.Links;

/// <summary>
/// Loses, corrupts and duplicates each frame independently of the others, with fixed
/// probabilities (a Bernoulli trial each). All zero by default.
/// </summary>
public sealed class BernoulliErrorModel : IErrorModel
{
    private double lossProbability;
    private double corruptionProbability;
    private double duplicationProbability;

    /// <summary>The chance that a frame is lost on the way.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [0, 1].</exception>
    public double LossProbability
    {
        get => lossProbability;
        set => lossProbability = Probability(value);
    }

    /// <summary>The chance that one bit of a frame is flipped on the way; the receiver's FCS check then drops it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [0, 1].</exception>
    public double CorruptionProbability
    {
        get => corruptionProbability;
        set => corruptionProbability = Probability(value);
    }

    /// <summary>The chance that a frame arrives twice.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [0, 1].</exception>
    public double DuplicationProbability
    {
        get => duplicationProbability;
        set => duplicationProbability = Probability(value);
    }

    /// <summary>True when any probability is above zero.</summary>
    internal bool Any => lossProbability > 0 || corruptionProbability > 0 || duplicationProbability > 0;

    /// <inheritdoc/>
    public FrameFate Apply(Span<byte> frame, long frameNumber, RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (DrawLoss(random))
        {
            return FrameFate.Lost;
        }

        bool corrupted = DrawCorruption(frame, random);
        return new FrameFate(false, corrupted, DrawDuplication(random), SimDuration.Zero);
    }

    /// <summary>True when the frame is lost (draws only when the probability is above zero).</summary>
    internal bool DrawLoss(RandomSource random) => lossProbability > 0 && random.NextBoolean(lossProbability);

    /// <summary>Flips one bit of a frame, drawn uniformly, and returns true, with the corruption probability.</summary>
    internal bool DrawCorruption(Span<byte> frame, RandomSource random)
    {
        if (corruptionProbability > 0 && !frame.IsEmpty && random.NextBoolean(corruptionProbability))
        {
            long bit = random.NextInt64(frame.Length * 8L);
            frame[(int)(bit / 8)] ^= (byte)(1 << (int)(bit % 8));
            return true;
        }

        return false;
    }

    /// <summary>True when the frame is duplicated (draws only when the probability is above zero).</summary>
    internal bool DrawDuplication(RandomSource random) => duplicationProbability > 0 && random.NextBoolean(duplicationProbability);

    internal static double Probability(double value) =>
        value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A probability must be between 0 and 1.");
}
