using NetSim.Tracing;

// Design: CoDel's control loop (RFC 8289 appendix A, with Linux's count memory on re-entry,
// section 5.5) apart from the queue it controls, so CoDelDiscipline runs it on its one ring
// and FqCoDelDiscipline on each flow's queue (RFC 8290 section 4.2: every flow has its own
// CoDel state). The queue is a struct type argument, so the calls devirtualize and nothing is
// boxed. Times are picoseconds; first_above_time uses 0 for "not above" as the RFC does (now +
// interval is never 0). The control law uses an exact square root (Linux approximates
// 1/sqrt(count) by Newton steps); IEEE 754 square roots are correctly rounded, so it is
// deterministic. With ECN on, an ECN-capable packet is marked CE where CoDel would drop it,
// as Linux's codel_dequeue does: it is sent, and the next drop is scheduled as after a drop.

namespace NetSim.Links;

/// <summary>The queue CoDel controls: it hands out its head frame with the time it was enqueued.</summary>
internal interface ICoDelQueue
{
    /// <summary>The bytes the queue holds.</summary>
    long Bytes { get; }

    /// <summary>Takes the head frame and its enqueue time (picoseconds); false when empty.</summary>
    bool TryTake(out FrameHandle frame, out long enqueuedAt);
}

/// <summary>CoDel's settings in picoseconds and bytes.</summary>
internal readonly record struct CoDelParameters(long Target, long Interval, int MaxPacket, bool Ecn);

/// <summary>The state of one CoDel control loop (RFC 8289 appendix A's variables).</summary>
internal struct CoDelState
{
    private long firstAboveTime; // 0: the sojourn time is below target (or has not been above for long)
    private long dropNext;
    private int count;
    private int lastCount;
    private bool dropping;

    /// <summary>True in the dropping state.</summary>
    internal readonly bool IsDropping => dropping;

    /// <summary>Frames marked CE instead of dropped.</summary>
    internal long Marked { get; private set; }

    /// <summary>Frames dropped at the head (through the context, as <see cref="DropReason.QueueManagement"/>).</summary>
    internal long Dropped { get; private set; }

    /// <summary>RFC 8289 appendix A, dequeue: the next frame to send, after the drops (or marks) the control law asks for.</summary>
    internal bool Dequeue<TQueue>(ref TQueue queue, in CoDelParameters p, QueueDisciplineContext context, out FrameHandle frame)
        where TQueue : struct, ICoDelQueue
    {
        long now = context.Now.Picoseconds;
        if (!Take(ref queue, p, now, out frame, out bool okToDrop))
        {
            dropping = false;
            return false;
        }

        if (dropping)
        {
            if (!okToDrop)
            {
                dropping = false; // the sojourn time went below target: leave the dropping state
            }

            while (dropping && now >= dropNext)
            {
                count++;
                if (p.Ecn && context.TryMarkCongestionExperienced(frame))
                {
                    Marked++;
                    dropNext = ControlLaw(p, dropNext, count);
                    return true;
                }

                context.Drop(frame, DropReason.QueueManagement);
                Dropped++;
                if (!Take(ref queue, p, now, out frame, out okToDrop))
                {
                    dropping = false;
                    return false;
                }

                if (okToDrop)
                {
                    dropNext = ControlLaw(p, dropNext, count);
                }
                else
                {
                    dropping = false;
                }
            }
        }
        else if (okToDrop)
        {
            bool more = true;
            if (p.Ecn && context.TryMarkCongestionExperienced(frame))
            {
                Marked++;
            }
            else
            {
                context.Drop(frame, DropReason.QueueManagement);
                Dropped++;
                more = Take(ref queue, p, now, out frame, out _);
            }

            dropping = true;

            // RFC 8289 section 5.5: re-entering soon after the last dropping state, start from
            // the drop rate that controlled the queue then (Linux's rule, as the appendix has it).
            int delta = count - lastCount;
            count = 1;
            if (delta > 1 && now - dropNext < 16 * p.Interval)
            {
                count = delta;
            }

            dropNext = ControlLaw(p, now, count);
            lastCount = count;
            return more;
        }

        return true;
    }

    // RFC 8289 section 5.4 (control law): the next drop, interval / sqrt(count) after t.
    private static long ControlLaw(in CoDelParameters p, long t, int drops) => t + (long)(p.Interval / Math.Sqrt(drops));

    // RFC 8289 appendix A, dodequeue: takes the head frame and says whether the queue has stood
    // above target for an interval. A queue of no more than one largest frame is not standing.
    private bool Take<TQueue>(ref TQueue queue, in CoDelParameters p, long now, out FrameHandle frame, out bool okToDrop)
        where TQueue : struct, ICoDelQueue
    {
        okToDrop = false;
        if (!queue.TryTake(out frame, out long enqueuedAt))
        {
            firstAboveTime = 0; // an empty queue is below target
            return false;
        }

        long sojourn = now - enqueuedAt;
        if (sojourn < p.Target || queue.Bytes <= p.MaxPacket)
        {
            firstAboveTime = 0;
        }
        else if (firstAboveTime == 0)
        {
            firstAboveTime = now + p.Interval; // above target: drop if it stays so for an interval
        }
        else if (now >= firstAboveTime)
        {
            okToDrop = true;
        }

        return true;
    }
}
