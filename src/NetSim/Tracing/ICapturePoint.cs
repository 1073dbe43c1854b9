namespace NetSim.Tracing;

/// <summary>A place where frames can be captured, as a capture card sees them: a port, a NIC, or a cable.</summary>
public interface ICapturePoint
{
    /// <summary>Shows every frame seen at this point to <paramref name="capture"/>, until the returned subscription is disposed.</summary>
    IDisposable AddCapture(IFrameCapture capture);
}

/// <summary>Takes the frames seen at capture points (a <see cref="PcapWriter"/> does).</summary>
public interface IFrameCapture
{
    /// <summary>A frame seen at a capture point, valid only during the call.</summary>
    void OnFrame(ReadOnlySpan<byte> frame);
}
