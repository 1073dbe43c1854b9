using Microsoft.Extensions.Logging;
using NetSim.Links;

namespace NetSim.Tracing;

/// <summary>Writes the trace events of a network to an <see cref="ILogger"/>, one readable line each, at Debug level.</summary>
public sealed partial class TraceLogger : ITraceListener
{
    private readonly ILogger logger;

    /// <summary>Starts logging the trace events of <paramref name="network"/> to the category "NetSim.Trace".</summary>
    public TraceLogger(Network network, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        logger = loggerFactory.CreateLogger("NetSim.Trace");
        if (logger.IsEnabled(LogLevel.Debug))
        {
            network.AddTraceListener(this);
        }
    }

    /// <inheritdoc/>
    void ITraceListener.OnTrace(in TraceEvent traceEvent) => Log(logger, traceEvent);

    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "{TraceEvent}")]
    private static partial void Log(ILogger logger, TraceEvent traceEvent);
}
