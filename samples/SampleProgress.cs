using System.Globalization;
using NetSim.Engine;
using Spectre.Console;

/// <summary>
/// Runs a long sample's simulation with a progress bar (Spectre.Console) when standard output is a terminal, from the
/// progress that <see cref="Simulation.Run(IProgress{SimulationProgress}, TimeSpan?, TimeProvider?)"/> reports. When the
/// output is redirected (a file, a pipe, the tests) it runs without one, so what the sample prints is the same. The bar
/// is cleared when the run ends. Linked by the samples that run long enough to need it.
/// </summary>
internal static class SampleProgress
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// <see cref="Simulation.Run()"/>, with a bar on a terminal. A run has no stop time, so the bar shows
    /// <paramref name="done"/> (from 0 to 1, read from the model: bytes received of the file, say) if given.
    /// </summary>
    public static void Run(Simulation simulation, string what, Func<double>? done = null)
    {
        if (Console.IsOutputRedirected)
        {
            simulation.Run();
            return;
        }

        Show(what, done, reporter => simulation.Run(reporter, Interval));
    }

    /// <summary><see cref="Simulation.RunUntil(SimTime)"/>, with a bar on a terminal that fills as the run nears <paramref name="limit"/>.</summary>
    public static void RunUntil(Simulation simulation, SimTime limit, string what)
    {
        if (Console.IsOutputRedirected)
        {
            simulation.RunUntil(limit);
            return;
        }

        Show(what, done: null, reporter => simulation.RunUntil(limit, reporter, Interval));
    }

    private static void Show(string what, Func<double>? done, Action<IProgress<SimulationProgress>> run)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask(Markup.Escape(what), maxValue: 1.0);
                run(new Bar(task, what, done));
            });
    }

    // Updates the bar on the simulation's thread (Spectre redraws it on its own). Reads the model, never changes it.
    private sealed class Bar(ProgressTask task, string what, Func<double>? done) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress progress)
        {
            double? fraction = done is null ? progress.Fraction : done();
            task.IsIndeterminate = fraction is null && !progress.IsFinal;
            task.Value = progress.IsFinal ? 1.0 : fraction ?? 0;
            string left = progress.EstimatedTimeLeft is { } estimate && !progress.IsFinal ? $", about {estimate.TotalSeconds:F0} s left" : "";
            task.Description = Markup.Escape(string.Create(
                CultureInfo.InvariantCulture,
                $"{what}: {progress.Now} simulated, {progress.EventsPerSecond:N0} events/s{left}"));
        }
    }
}
