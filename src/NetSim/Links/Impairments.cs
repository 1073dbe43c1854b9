using NetSim.Engine;

namespace NetSim.Links;

/// <summary>
/// What goes wrong on one direction of a cable, drawn from the simulation's random numbers
/// (one source per cable direction, so runs repeat exactly). All off by default.
/// </summary>
public sealed class Impairments
{
    private double lossProbability;
    private double corruptionProbability;
    private double duplicationProbability;
    private SimDuration maxJitter;

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
    public ISet<long> DropFrameNumbers { get; } = new HashSet<long>();

    internal bool Any =>
        lossProbability > 0 || corruptionProbability > 0 || duplicationProbability > 0 || maxJitter > SimDuration.Zero || DropFrameNumbers.Count > 0;

    private static double Probability(double value) =>
        value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A probability must be between 0 and 1.");
}
