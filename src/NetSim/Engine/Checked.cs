namespace NetSim.Engine;

/// <summary>
/// 64-bit arithmetic that throws an <see cref="OverflowException"/> naming the type whose
/// range was left, instead of the runtime's anonymous "Arithmetic operation resulted in an overflow".
/// </summary>
internal static class Checked
{
    public static long Add(long left, long right, string typeName)
    {
        long result = unchecked(left + right);
        if (((left ^ result) & (right ^ result)) < 0)
        {
            ThrowOverflow(typeName);
        }

        return result;
    }

    public static long Subtract(long left, long right, string typeName)
    {
        long result = unchecked(left - right);
        if (((left ^ right) & (left ^ result)) < 0)
        {
            ThrowOverflow(typeName);
        }

        return result;
    }

    public static long Multiply(long left, long right, string typeName)
    {
        if (Math.BigMul(left, right, out long low) != (low >> 63))
        {
            ThrowOverflow(typeName);
        }

        return low;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void ThrowOverflow(string typeName) =>
        throw new OverflowException($"The result is out of the range of {typeName}.");
}
