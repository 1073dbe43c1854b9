using NetSim.Engine;
// Design: the settings users knew before error models were a seam, kept as a facade: a
// ListErrorModel (DropFrameNumbers), a BernoulliErrorModel (the three probabilities) and a
// uniform jitter, applied in the order they always were, which is what keeps seeded runs
// repeating byte for byte: the listed numbers (no draw), loss, corruption, jitter, and
// duplication last. Asked for through CableDirection.Impairments, it becomes the direction's
// error model; while every setting is off, the direction draws nothing.


namespace NetSim.Links;

/// <summary>
/// What goes wrong on one direction of a cable, drawn from the simulation's random numbers
/// (one source per cable direction, so runs repeat exactly). All off by default. It is an
/// <see cref="IErrorModel"/>: listed frames lost, then independent loss, corruption, jitter
/// and duplication per frame.
/// </summary>
public sealed class Impairments : IErrorModel
{
    private readonly BernoulliErrorModel bernoulli = new();
    private readonly ListErrorModel listed = new();
    private SimDuration maxJitter;

    /// <summary>The chance that a frame is lost on the way.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [0, 1].</exception>
    public double LossProbability
    {
        get => bernoulli.LossProbability;
        set => bernoulli.LossProbability = value;
    }

    /// <summary>The chance that one bit of a frame is flipped on the way; the receiver's FCS check then drops it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [0, 1].</exception>
    public double CorruptionProbability
    {
        get => bernoulli.CorruptionProbability;
        set => bernoulli.CorruptionProbability = value;
    }

    /// <summary>The chance that a frame arrives twice.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [0, 1].</exception>
    public double DuplicationProbability
    {
        get => bernoulli.DuplicationProbability;
        set => bernoulli.DuplicationProbability = value;
    }

    /// <summary>
    /// The most extra delay added to a frame, drawn uniformly from [0, MaxJitter]. Jitter
    /// larger than a frame's transmission time lets frames overtake each other.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public SimDuration MaxJitter
    {
        get => maxJitter;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, SimDuration.Zero);
            maxJitter = value;
        }
    }

    /// <summary>
    /// Frame numbers to lose, whatever the probabilities: the first frame sent in this
    /// direction is number 1. For tests that need one particular frame lost.
    /// </summary>
    public ISet<long> DropFrameNumbers => listed.FrameNumbers;

    /// <summary>True when any setting is on.</summary>
    internal bool Any => bernoulli.Any || maxJitter > SimDuration.Zero || listed.FrameNumbers.Count > 0;

    /// <inheritdoc/>
    public FrameFate Apply(Span<byte> frame, long frameNumber, RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (listed.FrameNumbers.Contains(frameNumber) || bernoulli.DrawLoss(random))
        {
            return FrameFate.Lost;
        }

        bool corrupted = bernoulli.DrawCorruption(frame, random);
        SimDuration jitter = maxJitter > SimDuration.Zero ? SimDuration.FromPicoseconds(random.NextInt64(maxJitter.Picoseconds + 1)) : SimDuration.Zero;
        return new FrameFate(false, corrupted, bernoulli.DrawDuplication(random), jitter);
    }
}
