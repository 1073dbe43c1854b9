using NetSim.Engine;
// Design: bursty loss, as on a radio link or a congested path, with the two-state Markov
// chain of E. N. Gilbert, "Capacity of a burst-noise channel" (Bell System Technical
// Journal 39(5), 1960) and E. O. Elliott, "Estimates of error rates for codes on
// burst-noise channels" (BSTJ 42(5), 1963), taken per frame as Linux netem's "loss gemodel"
// does (parameters p, r, 1-h, 1-k there). In each state a frame is lost with that state's
// probability; then the chain moves (good to bad with p, bad to good with r). The time spent
// in the bad state is geometric, 1/r frames on average, so with LossInBad = 1 and
// LossInGood = 0 the mean loss burst is 1/r frames (Gilbert's original model), and the
// long-run loss rate is (p * LossInBad + r * LossInGood) / (p + r). A probability of 0 or 1
// draws no random number.


namespace NetSim.Links;

/// <summary>
/// Loses frames in bursts: the Gilbert-Elliott model, a channel that switches between a
/// good and a bad state (a two-state Markov chain, one step per frame), each with its own
/// loss probability. It starts in the good state. One instance serves one cable direction.
/// </summary>
public sealed class GilbertElliottErrorModel : IErrorModel
{
    private double goodToBad;
    private double badToGood = 1;
    private double lossInGood;
    private double lossInBad = 1;

    /// <summary>The chance, after each frame in the good state, of moving to the bad state (p).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [0, 1].</exception>
    public double GoodToBad
    {
        get => goodToBad;
        set => goodToBad = BernoulliErrorModel.Probability(value);
    }

    /// <summary>The chance, after each frame in the bad state, of moving back to the good state (r; default 1). The mean stay in the bad state is 1/r frames.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [0, 1].</exception>
    public double BadToGood
    {
        get => badToGood;
        set => badToGood = BernoulliErrorModel.Probability(value);
    }

    /// <summary>The chance that a frame is lost in the good state (1 - k; default 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [0, 1].</exception>
    public double LossInGood
    {
        get => lossInGood;
        set => lossInGood = BernoulliErrorModel.Probability(value);
    }

    /// <summary>The chance that a frame is lost in the bad state (1 - h; default 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [0, 1].</exception>
    public double LossInBad
    {
        get => lossInBad;
        set => lossInBad = BernoulliErrorModel.Probability(value);
    }

    /// <summary>True while the channel is in the bad state (the state the next frame meets).</summary>
    public bool IsBad { get; private set; }

    /// <inheritdoc/>
    public FrameFate Apply(Span<byte> frame, long frameNumber, RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        bool lost = Draw(IsBad ? lossInBad : lossInGood, random);
        if (Draw(IsBad ? badToGood : goodToBad, random))
        {
            IsBad = !IsBad;
        }

        return lost ? FrameFate.Lost : FrameFate.Delivered;
    }

    private static bool Draw(double probability, RandomSource random) =>
        probability >= 1 || (probability > 0 && random.NextBoolean(probability));
}
