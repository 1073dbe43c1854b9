namespace NetSim.Labs;

/// <summary>
/// A built-in lesson: a chapter of the course as one or more lab files with checks, run in order.
/// Each part is a whole lab file, embedded in the package, that a learner can export and edit.
/// </summary>
/// <param name="Name">The lesson's name, as <c>netsim lesson NAME</c> takes it: "web-visit".</param>
/// <param name="Title">The chapter's title: "Visiting a web site".</param>
/// <param name="Summary">What it shows, in one sentence.</param>
/// <param name="Parts">The lab files' names, in the order they run: "web-visit.yaml".</param>
public sealed record LabLesson(string Name, string Title, string Summary, IReadOnlyList<string> Parts)
{
    /// <summary>The text of one of <see cref="Parts"/>, as shipped.</summary>
    /// <param name="part">A name of <see cref="Parts"/>.</param>
    /// <returns>The lab file's text.</returns>
    /// <exception cref="ArgumentException"><paramref name="part"/> is not one of the lesson's parts.</exception>
    public string ReadPart(string part)
    {
        if (!Parts.Contains(part, StringComparer.Ordinal))
        {
            throw new ArgumentException($"The lesson {Name} has no part '{part}'; its parts are {string.Join(", ", Parts)}.", nameof(part));
        }

        using Stream stream = typeof(LabLesson).Assembly.GetManifestResourceStream("NetSim.Labs.Lessons." + part)
            ?? throw new InvalidOperationException($"The lesson file {part} is not embedded in {typeof(LabLesson).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Reads every part into a lab, in order; messages name each file "lessons/NAME".</summary>
    /// <returns>The labs.</returns>
    public IReadOnlyList<LabDefinition> Load() => [.. Parts.Select(part => LabFile.Parse(ReadPart(part), "lessons/" + part))];
}

/// <summary>The built-in lessons: the course's chapters, in order.</summary>
public static class LabLessons
{
    /// <summary>The lesson a new user meets first, which <c>netsim</c> runs with no argument: the web visit.</summary>
    public const string DefaultName = "web-visit";

    /// <summary>Every lesson, in the course's order.</summary>
    public static IReadOnlyList<LabLesson> All { get; } =
    [
        new("two-computers", "Two computers on one cable", "They talk when their addresses share a subnet; in different subnets the ping fails, and says why.", ["two-computers-same-subnet.yaml", "two-computers-different-subnets.yaml"]),
        new("hub", "A hub", "Everyone hears everything, and the shared medium congests as senders are added.", ["hub.yaml", "hub-two-senders.yaml", "hub-eight-senders.yaml"]),
        new("switch", "A switch", "It learns which MAC address is behind which port, floods what it does not know, then sends out of one port.", ["switch.yaml"]),
        new("router", "A router", "It joins networks: the IP addresses stay, the MAC addresses change at every hop; hosts send to their default gateway.", ["router.yaml"]),
        new("dns", "DNS", "The phone book: a name becomes an IP address.", ["dns.yaml"]),
        new("web-visit", "Visiting a web site", "DNS, the TCP three-way handshake, HTTP GET and 200, the four-way close.", ["web-visit.yaml"]),
    ];

    /// <summary>The lesson named <paramref name="name"/> (ordinal, ignoring case), or null.</summary>
    /// <param name="name">The lesson's name.</param>
    /// <returns>The lesson, or null.</returns>
    public static LabLesson? Find(string name) => All.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase));
}
