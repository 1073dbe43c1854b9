using Microsoft.Extensions.Logging;

namespace NetSim.Engine;

/// <summary>
/// The engine's log messages, source-generated so that a disabled level costs a check and
/// nothing else. Every message starts with the simulated time.
/// </summary>
internal static partial class SimulationLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "{Time}: run starts with {Pending} events pending")]
    public static partial void RunStarting(ILogger logger, SimTime time, int pending);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "{Time}: run ends ({Reason}) after {Executed} events")]
    public static partial void RunEnded(ILogger logger, SimTime time, long executed, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "{Time}: stop requested")]
    public static partial void StopRequested(ILogger logger, SimTime time);

    [LoggerMessage(EventId = 4, Level = LogLevel.Trace, Message = "{Time}: event {Kind} ({Argument}) for {Target}")]
    public static partial void EventRunning(ILogger logger, SimTime time, IEventTarget target, int kind, long argument);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "{Time}: random source '{Name}' created")]
    public static partial void RandomSourceCreated(ILogger logger, SimTime time, string name);
}
