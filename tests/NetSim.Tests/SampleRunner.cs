using System.Reflection;

namespace NetSim.Tests;

/// <summary>Runs a sample program in this process and returns what it printed. Callers belong to <see cref="ConsoleUsers"/>.</summary>
internal static class SampleRunner
{
    public static string Run(string sample, params string[] args)
    {
        MethodInfo main = Assembly.Load(sample).EntryPoint!;
        var output = new StringWriter { NewLine = "\n" };
        TextWriter original = Console.Out;
        try
        {
            Console.SetOut(output);
            main.Invoke(null, main.GetParameters().Length == 0 ? null : [args]);
        }
        finally
        {
            Console.SetOut(original);
        }

        return output.ToString();
    }
}
