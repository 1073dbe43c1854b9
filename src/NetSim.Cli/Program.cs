using NetSim.Cli;

return NetSimCommand.Invoke(args, Console.Out, Console.Error, interactive: !Console.IsOutputRedirected);
