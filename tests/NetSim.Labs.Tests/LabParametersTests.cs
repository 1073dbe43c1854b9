namespace NetSim.Labs.Tests;

/// <summary>A lab file's parameters: ${name} and ${name:-default}, set when it is read.</summary>
public sealed class LabParametersTests
{
    private const string Lab = """
        stop-time: ${time:-2 s}
        devices:
          a: { kind: host, address: 10.0.0.1/24 }
          b: { kind: host, address: 10.0.0.2/24 }
        links:
          - { between: [a, b], rate: ${rate}, loss: ${loss:-0} }
        """;

    [Fact]
    public void A_parameter_takes_the_value_given_or_its_default()
    {
        LabDefinition lab = LabFile.Parse(Lab, "lab.yaml", new Dictionary<string, string> { ["rate"] = "10Mbps", ["loss"] = "0.25" });

        lab.Links[0].Rate.Should().Be(Engine.DataRate.Parse("10Mbps"));
        lab.Links[0].Loss.Should().Be(0.25);
        lab.StopTime.Should().Be(Engine.SimTime.FromDuration(Engine.SimDuration.FromSeconds(2)), "the default applies when no value is given");
    }

    [Fact]
    public void The_parameters_a_file_uses_are_found_in_order_with_their_defaults()
    {
        LabParameters.Find(Lab).Should().Equal(
            KeyValuePair.Create("time", (string?)"2 s"),
            KeyValuePair.Create("rate", (string?)null),
            KeyValuePair.Create("loss", (string?)"0"));
    }

    [Fact]
    public void A_parameter_without_a_value_or_a_default_is_named_with_its_line_and_column()
    {
        Action parse = () => LabFile.Parse(Lab, "lab.yaml");

        parse.Should().Throw<LabFileException>().WithMessage("lab.yaml:6:30: the parameter 'rate' has no value; give one (netsim run --set rate=VALUE), or a default in the file: ${rate:-VALUE}");
    }

    [Fact]
    public void A_value_for_a_parameter_the_file_does_not_use_is_a_mistake()
    {
        Action parse = () => LabFile.Parse(Lab, "lab.yaml", new Dictionary<string, string> { ["rate"] = "1Gbps", ["delay"] = "1 ms" });

        parse.Should().Throw<LabFileException>().WithMessage("lab.yaml: the lab has no parameter 'delay'; its parameters are time, rate, loss");
    }

    [Theory]
    [InlineData("rate=10Mbps,100Mbps", "rate", new[] { "10Mbps", "100Mbps" })]
    [InlineData("loss = 0.01", "loss", new[] { "0.01" })]
    public void An_assignment_is_a_name_and_its_values(string text, string name, string[] values)
    {
        LabParameters.TryParseAssignment(text, out string parsedName, out IReadOnlyList<string> parsedValues).Should().BeTrue();
        parsedName.Should().Be(name);
        parsedValues.Should().Equal(values);
    }

    [Theory]
    [InlineData("rate")]
    [InlineData("=10Mbps")]
    [InlineData("rate=")]
    [InlineData("rate=10Mbps,,1Gbps")]
    [InlineData("r ate=1")]
    public void A_malformed_assignment_is_refused(string text)
    {
        LabParameters.TryParseAssignment(text, out _, out _).Should().BeFalse();
    }
}
