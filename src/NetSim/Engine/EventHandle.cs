using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace NetSim.Engine;

/// <summary>
/// Names one scheduled event so that it can be cancelled with
/// <see cref="Simulation.Cancel(EventHandle)"/>. A handle is valid only for the simulation
/// that returned it; <c>default</c> names no event.
/// </summary>
public readonly struct EventHandle : IEquatable<EventHandle>
{
    // Slot + 1, so that default(EventHandle) names no slot.
    private readonly int slotPlusOne;

    internal EventHandle(int slot, int generation)
    {
        slotPlusOne = slot + 1;
        Generation = generation;
    }

    /// <summary>A handle that names no event.</summary>
    public static EventHandle None => default;

    /// <summary>True for <see cref="None"/>.</summary>
    public bool IsNone => slotPlusOne == 0;

    internal int Slot => slotPlusOne - 1;

    internal int Generation { get; }

    /// <inheritdoc/>
    public static bool operator ==(EventHandle left, EventHandle right) => left.Equals(right);

    /// <inheritdoc/>
    public static bool operator !=(EventHandle left, EventHandle right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(EventHandle other) => slotPlusOne == other.slotPlusOne && Generation == other.Generation;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is EventHandle other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(slotPlusOne, Generation);

    /// <inheritdoc/>
    public override string ToString() => IsNone ? "event none" : string.Create(CultureInfo.InvariantCulture, $"event {Slot}.{Generation}");
}
