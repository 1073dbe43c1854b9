using NetSim.Tracing;

namespace NetSim.Tests.Tracing;

/// <summary>The layer-2 events a recorder kept, for the tests of hubs, switches and links.</summary>
internal static class TraceRecorderExtensions
{
    public static IEnumerable<FrameEvent> Frames(this TraceRecorder recorder) => recorder.Events.OfType<FrameEvent>();
}
