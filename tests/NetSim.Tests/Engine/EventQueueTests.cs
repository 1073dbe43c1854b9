using NetSim.Engine;

namespace NetSim.Tests.Engine;

public class EventQueueTests
{
    [Fact]
    public void Renumbering_when_sequence_numbers_run_out_keeps_the_order_of_ties()
    {
        var sim = new Simulation();
        var ran = new List<int>();
        sim.Queue.NextSequence = EventQueue.SequenceLimit - 3;
        for (int i = 0; i < 10; i++)
        {
            int n = i;
            sim.Schedule(SimDuration.FromMicroseconds(i % 2), () => ran.Add(n)); // crosses the limit at i = 3
        }

        sim.Queue.NextSequence.Should().BeLessThan(EventQueue.SequenceLimit - 3, "the queue renumbered");
        sim.Run();
        ran.Should().Equal(0, 2, 4, 6, 8, 1, 3, 5, 7, 9);
    }

    [Fact]
    public void Matches_a_sorted_reference_through_interleaved_runs_and_cancellations()
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
                long time = sim.Now.Picoseconds + random.NextInt64(1_000);
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

            var limit = sim.Now + SimDuration.FromPicoseconds(500);
            var due = reference.Where(e => e.Time <= limit.Picoseconds).OrderBy(e => e.Time).ThenBy(e => e.Id).ToList();
            ran.Clear();
            sim.RunUntil(limit);
            ran.Should().Equal(due.Select(e => e.Id));
            reference.RemoveAll(e => e.Time <= limit.Picoseconds);
            sim.PendingEvents.Should().Be(reference.Count);
        }
    }
}
