namespace NetSim.Labs;

/// <summary>
/// A lab file is wrong: its message names the file, the line and column and what is wrong, as
/// "lab.yaml:12:5: unknown key 'rat' in link 3; did you mean 'rate'?".
/// </summary>
public sealed class LabFileException : Exception
{
    /// <summary>Creates the exception for a mistake at <paramref name="line"/>:<paramref name="column"/> of <paramref name="fileName"/>.</summary>
    /// <param name="fileName">The file.</param>
    /// <param name="line">The line, from 1.</param>
    /// <param name="column">The column, from 1.</param>
    /// <param name="problem">What is wrong, in words.</param>
    /// <param name="innerException">The parser's exception, if any.</param>
    public LabFileException(string fileName, int line, int column, string problem, Exception? innerException = null)
        : base(line > 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{fileName}:{line}:{column}: {problem}") : $"{fileName}: {problem}", innerException)
    {
        FileName = fileName;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>Creates the exception with a message only (the file, line and column unknown).</summary>
    public LabFileException()
        : this("lab", 0, 0, "the lab file is wrong")
    {
    }

    /// <summary>Creates the exception with a message only (the file, line and column unknown).</summary>
    /// <param name="message">The message.</param>
    public LabFileException(string message)
        : this("lab", 0, 0, message)
    {
    }

    /// <summary>Creates the exception with a message and cause only (the file, line and column unknown).</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public LabFileException(string message, Exception? innerException)
        : this("lab", 0, 0, message, innerException)
    {
    }

    /// <summary>The file the mistake is in.</summary>
    public string FileName { get; }

    /// <summary>The line of the mistake, from 1 (0 when unknown).</summary>
    public int Line { get; }

    /// <summary>The column of the mistake, from 1 (0 when unknown).</summary>
    public int Column { get; }

    /// <summary>What is wrong, without the file, line and column.</summary>
    public string Problem { get; }
}
