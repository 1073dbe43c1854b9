using NetSim.Transport;

namespace NetSim.Tests.Transport;

public class OutOfOrderRangesTests
{
    private static List<(uint Start, uint End)> All(OutOfOrderRanges ranges)
    {
        var all = new List<(uint, uint)>();
        for (int i = 0; i < ranges.Count; i++)
        {
            all.Add(ranges[i]);
        }

        return all;
    }

    [Fact]
    public void Separate_ranges_are_kept_apart_and_overlapping_or_touching_ones_merge()
    {
        var ranges = new OutOfOrderRanges();
        ranges.Add(100, 200).Should().BeTrue();
        ranges.Add(300, 400).Should().BeTrue();
        All(ranges).Should().Equal((100u, 200u), (300u, 400u));

        ranges.Add(150, 250).Should().BeTrue(); // overlaps the first
        ranges.Add(250, 300).Should().BeTrue(); // touches both: one range now
        All(ranges).Should().Equal((100u, 400u));
    }

    [Fact]
    public void A_range_that_bridges_several_merges_them_all_into_one()
    {
        var ranges = new OutOfOrderRanges();
        ranges.Add(100, 110);
        ranges.Add(120, 130);
        ranges.Add(140, 150);

        ranges.Add(105, 145);

        All(ranges).Should().Equal((100u, 150u));
    }

    [Fact]
    public void At_the_bound_a_new_hole_is_refused_but_data_joining_a_range_is_taken()
    {
        var ranges = new OutOfOrderRanges();
        for (uint i = 0; i < OutOfOrderRanges.MaxRanges; i++)
        {
            ranges.Add(i * 10, (i * 10) + 5).Should().BeTrue();
        }

        ranges.Add(10_000, 10_005).Should().BeFalse("64 ranges are held");
        ranges.Count.Should().Be(64);
        ranges.Add(5, 8).Should().BeTrue("it joins the first range");
        ranges[0].Should().Be((0u, 8u));
    }

    [Fact]
    public void Reaching_a_range_takes_it_and_the_ranges_it_leads_to()
    {
        var ranges = new OutOfOrderRanges();
        ranges.Add(200, 300);
        ranges.Add(300, 350); // merged with the first
        ranges.Add(500, 600);

        ranges.Reach(150).Should().Be(150u, "a hole remains before 200");
        ranges.Count.Should().Be(2);
        ranges.Reach(200).Should().Be(350u);
        All(ranges).Should().Equal((500u, 600u));
    }

    [Fact]
    public void Ranges_already_passed_are_dropped_without_moving_the_edge_back()
    {
        var ranges = new OutOfOrderRanges();
        ranges.Add(100, 150);

        ranges.Reach(180).Should().Be(180u);
        ranges.Count.Should().Be(0);
    }

    [Fact]
    public void Sequence_numbers_compare_across_the_wrap()
    {
        var ranges = new OutOfOrderRanges();
        ranges.Add(uint.MaxValue - 9, 10); // wraps
        ranges.Add(10, 20);

        All(ranges).Should().Equal((uint.MaxValue - 9, 20u));
        ranges.Reach(uint.MaxValue - 20).Should().Be(uint.MaxValue - 20);
        ranges.Reach(uint.MaxValue - 9).Should().Be(20u);
    }
}
