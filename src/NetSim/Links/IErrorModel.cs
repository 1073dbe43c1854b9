using NetSim.Engine;
using NetSim.Tracing;
// Design: what a wire does to a frame is an algorithm behind a small seam, as ns-3's
// ErrorModel or netem's loss models: for each frame that went out, the model is shown the
// frame (which it may corrupt in place), its number in this direction and the direction's
// random source, and returns the frame's fate: lost, corrupted (the receiving port's FCS
// check then drops it), duplicated, and delayed by how much more (jitter). The delay is part
// of the fate, not a setting of its own, because a channel decides them together (netem
// does) and because Impairments draws its jitter between the corruption and the duplication
// draws: runs must repeat the random numbers of before. The direction asks only when a model
// is set, so a perfect cable draws nothing and pays one null test per frame.


namespace NetSim.Links;

/// <summary>
/// What goes wrong with the frames on one direction of a cable: loss, corruption,
/// duplication, extra delay. Set one with <see cref="CableDirection.ErrorModel"/>; the
/// built-in ones are <see cref="Impairments"/>, <see cref="BernoulliErrorModel"/>,
/// <see cref="GilbertElliottErrorModel"/> and <see cref="ListErrorModel"/>.
/// </summary>
/// <remarks>
/// A model is asked once per frame, in the order the frames went out, on the simulation's
/// thread. It must draw only from the <see cref="RandomSource"/> it is given (one per cable
/// direction, so runs repeat exactly), never hold on to the frame's bytes, and not allocate
/// per frame. A model with state (such as <see cref="GilbertElliottErrorModel"/>) serves one
/// direction. The frame stays the direction's: a lost frame is dropped at the far port as
/// <see cref="DropReason.LostOnCable"/>, a corrupted one as <see cref="DropReason.BadFcs"/>.
/// </remarks>
public interface IErrorModel
{
    /// <summary>
    /// Decides the fate of frame number <paramref name="frameNumber"/> (the first frame sent in
    /// this direction is number 1), whose bytes are <paramref name="frame"/>. To corrupt the
    /// frame, change its bytes and say so in the fate.
    /// </summary>
    FrameFate Apply(Span<byte> frame, long frameNumber, RandomSource random);
}
