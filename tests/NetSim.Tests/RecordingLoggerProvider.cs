using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace NetSim.Tests;

/// <summary>An <see cref="ILoggerProvider"/> that keeps every message, for tests to read.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Messages { get; } = new();

    /// <summary>The structured fields of each message, by name (the original template under "{OriginalFormat}").</summary>
    public ConcurrentQueue<(string Category, IReadOnlyDictionary<string, object?> Fields)> Fields { get; } = new();

    public ILogger CreateLogger(string categoryName) => new RecordingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class RecordingLogger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            provider.Messages.Enqueue((category, logLevel, formatter(state, exception)));
            if (state is IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                provider.Fields.Enqueue((category, fields.ToDictionary(f => f.Key, f => f.Value)));
            }
        }
    }
}
