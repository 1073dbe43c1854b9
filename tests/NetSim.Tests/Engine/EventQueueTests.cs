using NetSim.Engine;

namespace NetSim.Tests.Engine;

public class EventQueueTests
{
    [Theory]
    [InlineData(1_000L)]
    [InlineData(1L << 40)]
    public void Matches_a_sorted_reference_through_interleaved_runs_and_cancellations(long spread)
    {
        var sim = new Simulation();
        var random = new RandomSource(2024);
        var ran = new List<int>();
        var reference = new List<(long Time, int Id)>();
        var handles = new Dictionary<int, EventHandle>();
        int nextId = 0;

        for (int round = 0; round < 50; round++)
        {
            for (int i = 0; i < 200; i++)
            {
                int id = nextId++;
                long time = sim.Now.Picoseconds + random.NextInt64(spread);
                handles[id] = sim.ScheduleAt(SimTime.FromPicoseconds(time), () => ran.Add(id));
                reference.Add((time, id));
            }

            for (int i = 0; i < 20; i++)
            {
                int victim = (int)random.NextInt64(nextId);
                if (sim.Cancel(handles[victim]))
                {
                    reference.RemoveAll(e => e.Id == victim);
                }
            }

            var limit = sim.Now + SimDuration.FromPicoseconds(spread / 2);
            var due = reference.Where(e => e.Time <= limit.Picoseconds).OrderBy(e => e.Time).ThenBy(e => e.Id).ToList();
            ran.Clear();
            sim.RunUntil(limit);
            ran.Should().Equal(due.Select(e => e.Id));
            reference.RemoveAll(e => e.Time <= limit.Picoseconds);
            sim.PendingEvents.Should().Be(reference.Count);
        }
    }

    [Fact]
    public void A_run_that_ends_on_cancelled_events_still_accepts_events_before_them()
    {
        // The queue has taken out the cancelled events at 10 us and 20 us, past the clock
        // (which stays at 1 us); the next event is earlier than those.
        var sim = new Simulation();
        var ran = new List<string>();
        sim.Schedule(SimDuration.FromMicroseconds(1), () => ran.Add("1 us"));
        sim.Cancel(sim.Schedule(SimDuration.FromMicroseconds(10), () => ran.Add("cancelled")));
        EventHandle cancelledLater = sim.Schedule(SimDuration.FromMicroseconds(20), () => ran.Add("cancelled"));
        sim.Schedule(SimDuration.FromMicroseconds(30), () => ran.Add("30 us"));
        sim.Cancel(cancelledLater);
        sim.RunUntil(SimTime.FromMicroseconds(25));
        sim.Now.Should().Be(SimTime.FromMicroseconds(25));
        sim.Schedule(SimDuration.FromMicroseconds(1), () => ran.Add("26 us"));
        sim.Run();

        var again = new Simulation();
        again.Schedule(SimDuration.FromMicroseconds(1), () => ran.Add("again 1 us"));
        again.Cancel(again.Schedule(SimDuration.FromMicroseconds(50), () => ran.Add("cancelled")));
        again.Run();
        again.Now.Should().Be(SimTime.FromMicroseconds(1), "a cancelled event does not move the clock");
        again.Schedule(SimDuration.FromMicroseconds(2), () => ran.Add("again 3 us"));
        again.Schedule(SimDuration.FromMicroseconds(1), () => ran.Add("again 2 us"));
        again.Run();

        ran.Should().Equal("1 us", "26 us", "30 us", "again 1 us", "again 2 us", "again 3 us");
    }

    [Fact]
    public void Equal_times_keep_their_order_across_every_bucket_of_the_radix_heap()
    {
        // Times spread over many powers of two, each scheduled several times, interleaved.
        var sim = new Simulation();
        var ran = new List<(long Time, int Order)>();
        int order = 0;
        for (int copy = 0; copy < 3; copy++)
        {
            for (int bit = 0; bit < 62; bit += 3)
            {
                long time = (1L << bit) + copy % 2;
                int n = order++;
                sim.ScheduleAt(SimTime.FromPicoseconds(time), () => ran.Add((sim.Now.Picoseconds, n)));
            }
        }

        sim.Run();

        ran.Should().HaveCount(order);
        ran.Should().Equal(ran.OrderBy(e => e.Time).ThenBy(e => e.Order));
    }

    [Theory]
    [InlineData(50L)] // many equal times
    [InlineData(1L << 40)]
    public void Moving_between_the_heap_and_the_radix_heap_keeps_the_order_and_the_cancellations(long spread)
    {
        // Small limits, so that the queue changes form dozens of times: it grows past 64
        // pending events, drains below 16, and grows again.
        var queue = new EventQueue(largeAbove: 64, smallBelow: 16);
        var random = new RandomSource(1990);
        var target = new NothingTarget();
        var reference = new List<(long Time, int Id)>();
        var handles = new Dictionary<int, EventHandle>();
        var ran = new List<int>();
        long now = 0;
        int nextId = 0;
        int formChanges = 0;
        bool wasLarge = false;
        void NoteForm()
        {
            formChanges += queue.UsesRadixHeap != wasLarge ? 1 : 0;
            wasLarge = queue.UsesRadixHeap;
        }

        for (int round = 0; round < 60; round++)
        {
            int toAdd = round % 3 == 2 ? 5 : (int)random.NextInt64(150);
            for (int i = 0; i < toAdd; i++)
            {
                int id = nextId++;
                long time = now + random.NextInt64(spread);
                handles[id] = queue.Enqueue(time, target, 0, id);
                reference.Add((time, id));
                NoteForm();
            }

            for (int i = 0; i < 5 && nextId > 0; i++)
            {
                int victim = (int)random.NextInt64(nextId);
                if (queue.Cancel(handles[victim]))
                {
                    reference.RemoveAll(e => e.Id == victim);
                }
            }

            // Take out a random share, up to all of it.
            int toTake = (int)random.NextInt64(reference.Count + 1);
            var expected = reference.OrderBy(e => e.Time).ThenBy(e => e.Id).Take(toTake).ToList();
            ran.Clear();
            // Up to a limit too, some rounds: a limit before the next event takes out nothing.
            long limit = round % 4 == 1 ? now + random.NextInt64(spread) : long.MaxValue;
            if (limit != long.MaxValue)
            {
                expected = reference.Where(e => e.Time <= limit).OrderBy(e => e.Time).ThenBy(e => e.Id).ToList();
                toTake = expected.Count;
            }

            while (ran.Count < toTake && queue.TryDequeue(limit, out long time, out IEventTarget? taken, out _, out long argument))
            {
                time.Should().BeGreaterThanOrEqualTo(now);
                now = time;
                NoteForm();
                if (taken is not null)
                {
                    ran.Add((int)argument);
                }
            }

            ran.Should().Equal(expected.Select(e => e.Id), $"in round {round}");
            if (limit != long.MaxValue)
            {
                // Nothing else is due by the limit, but cancelled entries.
                while (queue.TryDequeue(limit, out long time, out IEventTarget? taken, out _, out _))
                {
                    taken.Should().BeNull();
                    now = time;
                }
            }

            reference.RemoveAll(e => expected.Contains(e));
        }

        formChanges.Should().BeGreaterThan(10, "the test must move the entries both ways, many times");
    }

    [Fact]
    public void Moving_between_the_two_forms_allocates_nothing_once_warm()
    {
        var queue = new EventQueue(largeAbove: 64, smallBelow: 16);
        var target = new NothingTarget();
        long now = 0;
        bool wentLarge = true;
        bool cameBack = true;
        bool inOrder = true;
        void Cycle()
        {
            // Grow past 64 (to the radix heap) and take out until back in the heap, with
            // events still pending ahead of the clock; grow again at once, schedule at the
            // clock while in the radix heap (before every pending event), then take
            // everything out. No assertions inside: they allocate.
            for (int i = 0; i < 100; i++)
            {
                queue.Enqueue(now + 1_000 + (i * 7919 % 1000), target, 0, i);
            }

            wentLarge &= queue.UsesRadixHeap;
            while (queue.UsesRadixHeap && queue.TryDequeue(long.MaxValue, out long time, out _, out _, out _))
            {
                inOrder &= time >= now;
                now = time;
            }

            for (int i = 0; i < 100; i++)
            {
                queue.Enqueue(now + 1 + (i * 7919 % 1000), target, 0, i);
            }

            wentLarge &= queue.UsesRadixHeap;
            queue.Enqueue(now, target, 0, 0);
            while (queue.TryDequeue(long.MaxValue, out long time, out _, out _, out _))
            {
                inOrder &= time >= now;
                now = time;
            }

            cameBack &= !queue.UsesRadixHeap;
        }

        Cycle();
        Cycle();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            Cycle();
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
        wentLarge.Should().BeTrue();
        cameBack.Should().BeTrue();
        inOrder.Should().BeTrue();
    }

    [Fact]
    public void The_heap_numbers_its_keys_again_when_the_sequence_runs_out_and_keeps_their_order()
    {
        var heap = new EventHeap(firstSequence: EventHeap.SequenceLimit - 10);
        var expected = new List<(long Time, int Slot)>();
        for (int slot = 0; slot < 40; slot++)
        {
            long time = slot % 4; // equal times, added across the renumbering
            heap.Add(time, slot);
            expected.Add((time, slot));
        }

        var taken = new List<(long, int)>();
        while (heap.TryTake(long.MaxValue, out long time, out int slot))
        {
            taken.Add((time, slot));
        }

        taken.Should().Equal(expected.OrderBy(e => e.Time).ThenBy(e => e.Slot));
    }

    [Fact]
    public void After_a_flood_drains_the_queue_gives_its_memory_back_and_old_handles_stay_dead()
    {
        var queue = new EventQueue();
        var target = new NothingTarget();
        var handles = new EventHandle[100_000];
        for (int i = 0; i < handles.Length; i++)
        {
            handles[i] = queue.Enqueue(1_000 + i, target, 0, i);
        }

        queue.SlotCapacity.Should().BeGreaterThanOrEqualTo(100_000);
        while (queue.TryDequeue(long.MaxValue, out _, out _, out _, out _))
        {
        }

        queue.SlotCapacity.Should().Be(64, "the slot table shrinks once nothing is pending");
        var fresh = new List<EventHandle>();
        for (int i = 0; i < 50; i++)
        {
            fresh.Add(queue.Enqueue(200_000 + i, target, 0, i));
        }

        handles.Should().OnlyContain(h => !queue.IsPending(h), "a handle from before the trim names no new event");
        foreach (EventHandle old in handles.Take(64))
        {
            queue.Cancel(old).Should().BeFalse();
        }

        fresh.Should().OnlyContain(h => queue.IsPending(h));
        queue.Count.Should().Be(50);
    }

    [Fact]
    public void Background_events_run_as_time_passes_but_do_not_keep_run_going()
    {
        var sim = new Simulation();
        var ran = new List<string>();
        var background = new RecordingTarget(ran, "background");
        sim.ScheduleBackground(SimTime.FromSeconds(10), background);
        sim.ScheduleAt(SimTime.FromSeconds(1), () => ran.Add("first"));
        sim.Run();
        ran.Should().Equal("first");
        sim.Now.Should().Be(SimTime.FromSeconds(1));
        sim.PendingEvents.Should().Be(1);
        sim.PendingBackgroundEvents.Should().Be(1);

        sim.ScheduleAt(SimTime.FromSeconds(20), () => ran.Add("second"));
        sim.Run();
        ran.Should().Equal("first", "background", "second");
        sim.PendingBackgroundEvents.Should().Be(0);

        sim.ScheduleBackground(SimTime.FromSeconds(30), background, kind: 5);
        sim.RunUntil(SimTime.FromSeconds(40));
        ran.Should().Equal("first", "background", "second", "background 5");
        sim.PendingEvents.Should().Be(0);
    }

    private sealed class RecordingTarget(List<string> ran, string name) : IEventTarget
    {
        public void OnEvent(int kind, long argument) => ran.Add(kind == 0 ? name : $"{name} {kind}");
    }

    private sealed class NothingTarget : IEventTarget
    {
        public void OnEvent(int kind, long argument)
        {
        }
    }
}
