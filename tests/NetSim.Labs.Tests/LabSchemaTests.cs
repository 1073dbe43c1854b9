using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace NetSim.Labs.Tests;

public class LabSchemaTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromText(LabFile.Schema);

    public static TheoryData<string> LabFiles => [.. LabPaths.All().Select(Path.GetFileName).OfType<string>()];

    /// <summary>A lab file as the JSON an editor's YAML support checks: plain scalars that read as numbers or booleans are those.</summary>
    private static JsonNode? ToJson(YamlNode? node) => node switch
    {
        YamlMapping mapping => new JsonObject(mapping.Entries.Select(e => KeyValuePair.Create(e.Key.Value, ToJson(e.Value)))),
        YamlSequence sequence => new JsonArray([.. sequence.Items.Select(ToJson)]),
        YamlScalar { IsNull: true } => null,
        YamlScalar { IsPlain: true, Value: "true" or "false" } scalar => JsonValue.Create(scalar.Value == "true"),
        YamlScalar { IsPlain: true } scalar when long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) => JsonValue.Create(n),
        YamlScalar { IsPlain: true } scalar when double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => JsonValue.Create(d),
        YamlScalar scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };

    private static EvaluationResults Validate(string text)
    {
        using JsonDocument document = JsonDocument.Parse(ToJson(YamlTree.Read(text, "lab.yaml"))!.ToJsonString());
        return Schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Errors(EvaluationResults results) =>
        string.Join("\n", (results.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));

    [Theory]
    [MemberData(nameof(LabFiles))]
    public void Every_lab_file_of_the_tests_validates_against_the_schema(string fileName)
    {
        EvaluationResults results = Validate(File.ReadAllText(LabPaths.Of(fileName)));

        results.IsValid.Should().BeTrue(Errors(results));
    }

    public static TheoryData<string, string> LessonParts() => LessonData.Parts();

    [Theory]
    [MemberData(nameof(LessonParts))]
    public void Every_lab_file_of_the_lessons_validates_against_the_schema(string lesson, string part)
    {
        EvaluationResults results = Validate(LabLessons.Find(lesson)!.ReadPart(part));

        results.IsValid.Should().BeTrue(Errors(results));
    }

    [Theory]
    [InlineData("devices: {}\nlinx: []\n", "linx", "links")]
    [InlineData("devices:\n  pc: { kind: host, adress: 10.0.0.1/8 }\n", "adress", "address")]
    [InlineData("devices:\n  sw: { kind: switch, ports: 4, gateway: 10.0.0.1 }\n", ", gateway: 10.0.0.1", "")]
    [InlineData("devices:\n  pc: { kind: host }\n  sw: { kind: switch, ports: 2 }\nlinks:\n  - { between: [pc, sw], rat: 1Gbps }\n", "rat", "rate")]
    [InlineData("devices:\n  pc: { kind: host }\napplications:\n  - { kind: ping, on: pc, to: pc, url: http://x/ }\n", ", url: http://x/", "")]
    [InlineData("devices:\n  pc: { kind: host }\nchecks:\n  - { kind: ping, application: p, outcome: lost, status: 200 }\n", ", status: 200", "")]
    public void The_schema_rejects_an_unknown_key_and_takes_the_lab_without_it(string text, string mistake, string correction)
    {
        string corrected = text.Replace(mistake, correction, StringComparison.Ordinal);

        Validate(text).IsValid.Should().BeFalse();
        EvaluationResults results = Validate(corrected);
        results.IsValid.Should().BeTrue(Errors(results));
    }

    [Fact]
    public void The_schema_is_the_file_shipped_beside_the_package()
    {
        string shipped = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "lab.schema.json"));

        LabFile.Schema.Should().Be(shipped);
        JsonNode.Parse(LabFile.Schema)!["$schema"]!.GetValue<string>().Should().Be("https://json-schema.org/draft/2020-12/schema");
    }
}
