using Spectre.Console;

namespace NetSim.Cli;

/// <summary>Spectre consoles that write to a given writer: colours and live display on a terminal, plain text elsewhere.</summary>
internal static class Consoles
{
    /// <summary>The width tables are laid out in when the output is not a terminal (a file, a pipe, a test).</summary>
    public const int RedirectedWidth = 140;

    /// <summary>A console writing to <paramref name="writer"/>; plain text, <see cref="RedirectedWidth"/> wide, unless <paramref name="interactive"/>.</summary>
    public static IAnsiConsole Create(TextWriter writer, bool interactive)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
