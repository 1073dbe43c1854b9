using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace NetSim.Links;

/// <summary>
/// Names one frame buffer of a <see cref="FramePool"/>: whoever holds the handle owns the
/// frame. A handle fits in an event's argument (<see cref="ToEventArgument"/>), so a frame
/// in flight costs no allocation. <c>default</c> names no frame.
/// </summary>
public readonly struct FrameHandle : IEquatable<FrameHandle>
{
    internal FrameHandle(int index, int generation)
    {
        Index = index;
        Generation = generation;
    }

    internal int Index { get; }

    internal int Generation { get; }

    /// <summary>Packs the handle into the <c>long</c> argument of a scheduled event.</summary>
    public long ToEventArgument() => ((long)Generation << 32) | unchecked((uint)Index);

    /// <summary>Unpacks a handle packed by <see cref="ToEventArgument"/>.</summary>
    public static FrameHandle FromEventArgument(long argument) => new(unchecked((int)argument), unchecked((int)(argument >> 32)));

    /// <inheritdoc/>
    public static bool operator ==(FrameHandle left, FrameHandle right) => left.Equals(right);

    /// <inheritdoc/>
    public static bool operator !=(FrameHandle left, FrameHandle right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(FrameHandle other) => Index == other.Index && Generation == other.Generation;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is FrameHandle other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Index, Generation);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"frame {Index}.{Generation}");
}
