using System.Numerics;

namespace NetSim.Tests;

/// <summary>
/// One check for every value type's equality, ordering and formatting, so that they all
/// behave the same way (the NodaTime habit).
/// </summary>
internal static class ValueConventions
{
    public static void Check<T>(T value, T equal, T greater)
        where T : struct, IEquatable<T>, IComparable<T>, IComparable, ISpanFormattable, IComparisonOperators<T, T, bool>
    {
        value.Equals(equal).Should().BeTrue();
        value.Equals((object)equal).Should().BeTrue();
        value.Equals(greater).Should().BeFalse();
        value.Equals((object?)null).Should().BeFalse();
        value.Equals("not a value").Should().BeFalse();
        value.GetHashCode().Should().Be(equal.GetHashCode());
        (value == equal).Should().BeTrue();
        (value != greater).Should().BeTrue();

        value.CompareTo(greater).Should().BeNegative();
        greater.CompareTo(value).Should().BePositive();
        value.CompareTo(equal).Should().Be(0);
        value.CompareTo((object?)null).Should().BePositive();
        ((Action)(() => value.CompareTo("not a value"))).Should().Throw<ArgumentException>();
        (value < greater).Should().BeTrue();
        (value <= equal).Should().BeTrue();
        (greater > value).Should().BeTrue();
        (greater >= value).Should().BeTrue();

        string text = value.ToString()!;
        Span<char> buffer = stackalloc char[64];
        value.TryFormat(buffer, out int written, default, null).Should().BeTrue();
        buffer[..written].ToString().Should().Be(text);
        value.TryFormat(buffer[..(text.Length - 1)], out _, default, null).Should().BeFalse();
        value.ToString(null, null).Should().Be(text);
    }
}
