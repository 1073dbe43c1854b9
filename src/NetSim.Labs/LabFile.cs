namespace NetSim.Labs;

/// <summary>
/// Reads lab files: YAML, or JSON (which is YAML). Every mistake, in the YAML itself or in what
/// it says, is a <see cref="LabFileException"/> naming the file, line and column; nothing else is
/// thrown for bad input.
/// </summary>
public static class LabFile
{
    /// <summary>Reads the lab file at <paramref name="path"/>; its messages name the file as <paramref name="path"/> is written.</summary>
    /// <param name="path">The lab file.</param>
    /// <returns>The lab.</returns>
    /// <exception cref="LabFileException">The file cannot be read, or it is wrong.</exception>
    public static LabDefinition Load(string path) => Load(path, parameters: null);

    /// <summary>
    /// Reads the lab file at <paramref name="path"/> with its parameters set: each <c>${name}</c> in the file is
    /// replaced by the value given for name, and each <c>${name:-default}</c> by the value given or else the default.
    /// </summary>
    /// <param name="path">The lab file.</param>
    /// <param name="parameters">The parameters' values by name (for a sweep's point); null or empty: each takes its default.</param>
    /// <returns>The lab.</returns>
    /// <exception cref="LabFileException">The file cannot be read, it is wrong, or a parameter it uses has no value and no default.</exception>
    public static LabDefinition Load(string path, IReadOnlyDictionary<string, string>? parameters)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new LabFileException(path, 0, 0, $"cannot read the lab file: {e.Message}", e);
        }

        return Parse(text, path, parameters);
    }

    /// <summary>Reads a lab from <paramref name="text"/>; messages name <paramref name="fileName"/>.</summary>
    /// <param name="text">The lab file's text (YAML or JSON).</param>
    /// <param name="fileName">The name its messages give the file, such as "lab.yaml".</param>
    /// <returns>The lab.</returns>
    /// <exception cref="LabFileException">The text is wrong.</exception>
    public static LabDefinition Parse(string text, string fileName) => Parse(text, fileName, parameters: null);

    /// <summary>Reads a lab from <paramref name="text"/> with its parameters set (see <see cref="Load(string, IReadOnlyDictionary{string, string})"/>); messages name <paramref name="fileName"/>.</summary>
    /// <param name="text">The lab file's text (YAML or JSON).</param>
    /// <param name="fileName">The name its messages give the file, such as "lab.yaml".</param>
    /// <param name="parameters">The parameters' values by name; null or empty: each takes its default.</param>
    /// <returns>The lab.</returns>
    /// <exception cref="LabFileException">The text is wrong, or a parameter it uses has no value and no default.</exception>
    public static LabDefinition Parse(string text, string fileName, IReadOnlyDictionary<string, string>? parameters)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        try
        {
            return new LabReader(fileName).Read(LabParameters.Substitute(text, fileName, parameters));
        }
        catch (LabFileException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A mistake no rule above caught: still the file's, never a stack trace.
            throw new LabFileException(fileName, 0, 0, $"the lab file could not be read: {e.Message}", e);
        }
    }

    /// <summary>The JSON Schema of lab files (draft 2020-12), for editors: the text of lab.schema.json, shipped beside the package.</summary>
    public static string Schema { get; } = ReadSchema();

    private static string ReadSchema()
    {
        using Stream stream = typeof(LabFile).Assembly.GetManifestResourceStream("NetSim.Labs.lab.schema.json")
            ?? throw new InvalidOperationException("The lab schema is not embedded in " + typeof(LabFile).Assembly.GetName().Name + ".");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
