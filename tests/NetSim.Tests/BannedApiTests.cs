using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Xml.Linq;

namespace NetSim.Tests;

/// <summary>
/// The library cannot use what would make a run depend on the machine (the wall clock,
/// unseeded randomness, other threads): src/NetSim/BannedSymbols.txt lists them for the
/// BannedApiAnalyzers (RS0030, an error since warnings are errors). These tests keep that
/// list from shrinking, and check that each entry names an API that exists, since a
/// misspelt ID bans nothing and says nothing.
/// </summary>
public sealed class BannedApiTests
{
    // What the library must never use, as documentation-comment IDs.
    private static readonly string[] Required =
    [
        "P:System.DateTime.Now",
        "P:System.DateTime.UtcNow",
        "P:System.DateTime.Today",
        "P:System.DateTimeOffset.Now",
        "P:System.DateTimeOffset.UtcNow",
        "P:System.Environment.TickCount",
        "P:System.Environment.TickCount64",
        "T:System.Diagnostics.Stopwatch",
        "P:System.TimeProvider.System",
        "M:System.Random.#ctor",
        "M:System.Random.#ctor(System.Int32)",
        "P:System.Random.Shared",
        "M:System.Guid.NewGuid",
        "M:System.Threading.Tasks.Task.Run(System.Action)",
        "M:System.Threading.Tasks.Task.Run(System.Action,System.Threading.CancellationToken)",
        "M:System.Threading.Tasks.Task.Run(System.Func{System.Threading.Tasks.Task})",
        "M:System.Threading.Tasks.Task.Run(System.Func{System.Threading.Tasks.Task},System.Threading.CancellationToken)",
        "M:System.Threading.Tasks.Task.Run``1(System.Func{``0})",
        "M:System.Threading.Tasks.Task.Run``1(System.Func{``0},System.Threading.CancellationToken)",
        "M:System.Threading.Tasks.Task.Run``1(System.Func{System.Threading.Tasks.Task{``0}})",
        "M:System.Threading.Tasks.Task.Run``1(System.Func{System.Threading.Tasks.Task{``0}},System.Threading.CancellationToken)",
        "M:System.Threading.Tasks.Task.Delay(System.Int32)",
        "M:System.Threading.Tasks.Task.Delay(System.Int32,System.Threading.CancellationToken)",
        "M:System.Threading.Tasks.Task.Delay(System.TimeSpan)",
        "M:System.Threading.Tasks.Task.Delay(System.TimeSpan,System.Threading.CancellationToken)",
        "M:System.Threading.Thread.Sleep(System.Int32)",
        "M:System.Threading.Thread.Sleep(System.TimeSpan)",
        "T:System.Threading.Timer",
        "T:System.Timers.Timer",
    ];

    private static readonly string ListPath = RepositoryFiles.PathOf("src", "NetSim", "BannedSymbols.txt");

    [Fact]
    public void The_list_bans_the_wall_clock_unseeded_randomness_and_other_threads()
    {
        Dictionary<string, string> entries = Entries();

        entries.Keys.Should().Contain(Required);
    }

    [Fact]
    public void Task_Delay_with_a_TimeProvider_stays_allowed()
    {
        // A simulated TimeProvider is deterministic; only the overloads that wait on the machine's clock are banned.
        Entries().Keys.Should().NotContain(id => id.StartsWith("M:System.Threading.Tasks.Task.Delay(", StringComparison.Ordinal) && id.Contains("System.TimeProvider", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_entry_says_what_to_use_instead()
    {
        Entries().Where(entry => entry.Value.Length < 20).Select(entry => entry.Key).Should().BeEmpty("each banned API's message names the simulation's replacement");
    }

    [Fact]
    public void Every_entry_names_an_API_that_exists()
    {
        string[] unknown = Entries().Keys.Where(id => !Exists(id)).ToArray();

        unknown.Should().BeEmpty("a documentation ID that names nothing bans nothing");
    }

    [Fact]
    public void The_library_and_only_the_library_runs_the_analyzer_on_the_list()
    {
        XElement library = XElement.Load(RepositoryFiles.PathOf("src", "NetSim", "NetSim.csproj"));
        XElement? reference = library.Descendants("PackageReference").SingleOrDefault(e => (string?)e.Attribute("Include") == "Microsoft.CodeAnalysis.BannedApiAnalyzers");

        reference.Should().NotBeNull("src/NetSim references the analyzer");
        ((string?)reference!.Attribute("PrivateAssets")).Should().Be("all", "the analyzer is a build tool of the library, not a dependency of its users");
        library.Descendants("AdditionalFiles").Select(e => (string?)e.Attribute("Include")).Should().Contain("BannedSymbols.txt");
    }

    [Fact]
    public void The_documentation_ID_of_a_reflected_member_is_what_the_compiler_writes()
    {
        // The check above compares against these IDs, so they must be right.
        DocumentationId(typeof(Task).GetMethod(nameof(Task.Delay), [typeof(TimeSpan), typeof(CancellationToken)])!)
            .Should().Be("M:System.Threading.Tasks.Task.Delay(System.TimeSpan,System.Threading.CancellationToken)");
        DocumentationId(typeof(Random).GetConstructor(Type.EmptyTypes)!).Should().Be("M:System.Random.#ctor");
        DocumentationId(typeof(Guid).GetMethod(nameof(Guid.NewGuid))!).Should().Be("M:System.Guid.NewGuid");
        DocumentationId(typeof(Dictionary<,>).GetMethod(nameof(Dictionary<int, int>.TryGetValue))!)
            .Should().Be("M:System.Collections.Generic.Dictionary`2.TryGetValue(`0,`1@)");
        DocumentationId(typeof(Enumerable).GetMethods().Single(m => m.Name == nameof(Enumerable.ToArray) && m.GetParameters()[0].ParameterType.Name == "IEnumerable`1"))
            .Should().Be("M:System.Linq.Enumerable.ToArray``1(System.Collections.Generic.IEnumerable{``0})");
        DocumentationId(typeof(Environment).GetProperty(nameof(Environment.TickCount64))!).Should().Be("P:System.Environment.TickCount64");
        Exists("M:System.Random.#ctor(System.Int64)").Should().BeFalse();
        Exists("P:System.DateTime.Noww").Should().BeFalse();
    }

    // ID -> message, from the non-comment lines of BannedSymbols.txt.
    private static Dictionary<string, string> Entries()
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string raw in File.ReadAllLines(ListPath))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            int semicolon = line.IndexOf(';', StringComparison.Ordinal);
            string id = semicolon < 0 ? line : line[..semicolon].Trim();
            string message = semicolon < 0 ? "" : line[(semicolon + 1)..].Trim();
            entries.Add(id, message); // a duplicate throws: RS0031 would reject it too
        }

        return entries;
    }

    private static bool Exists(string id)
    {
        if (id.Length < 3 || id[1] != ':')
        {
            return false;
        }

        if (id[0] == 'T')
        {
            return FindType(id[2..]) is not null;
        }

        // The type is what comes before the member's name: up to the last '.' before any parameter list.
        int parameters = id.IndexOf('(', StringComparison.Ordinal);
        string path = parameters < 0 ? id[2..] : id[2..parameters];
        Type? type = FindType(path[..path.LastIndexOf('.')]);
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        return type is not null && type.GetMembers(all).Any(member => member is MethodBase or PropertyInfo or FieldInfo or EventInfo && DocumentationId(member) == id);
    }

    private static Type? FindType(string name)
    {
        // Most of them are in System.Private.CoreLib; the rest are in the shared framework's other assemblies.
        if (typeof(object).Assembly.GetType(name) is { } core)
        {
            return core;
        }

        foreach (string file in Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "System*.dll"))
        {
            try
            {
                if (Assembly.LoadFrom(file).GetType(name) is { } type)
                {
                    return type;
                }
            }
            catch (BadImageFormatException)
            {
                // a native library, not an assembly
            }
        }

        return null;
    }

    // The C# compiler's documentation-comment ID (ECMA-334, annex D.4.2) of a reflected member.
    private static string DocumentationId(MemberInfo member)
    {
        string type = TypeName(member.DeclaringType!);
        return member switch
        {
            PropertyInfo property => $"P:{type}.{property.Name}{Parameters(property.GetIndexParameters())}",
            FieldInfo field => $"F:{type}.{field.Name}",
            EventInfo @event => $"E:{type}.{@event.Name}",
            ConstructorInfo constructor => $"M:{type}.{(constructor.IsStatic ? "#cctor" : "#ctor")}{Parameters(constructor.GetParameters())}",
            MethodInfo method => $"M:{type}.{method.Name}{(method.IsGenericMethodDefinition ? "``" + method.GetGenericArguments().Length : "")}{Parameters(method.GetParameters())}",
            _ => throw new ArgumentException("Not a member with a documentation ID: " + member, nameof(member)),
        };
    }

    private static string Parameters(ParameterInfo[] parameters) =>
        parameters.Length == 0 ? "" : "(" + string.Join(",", parameters.Select(p => ParameterTypeName(p.ParameterType))) + ")";

    private static string ParameterTypeName(Type type)
    {
        if (type.IsGenericMethodParameter)
        {
            return "``" + type.GenericParameterPosition;
        }

        if (type.IsGenericTypeParameter)
        {
            return "`" + type.GenericParameterPosition;
        }

        if (type.IsByRef)
        {
            return ParameterTypeName(type.GetElementType()!) + "@";
        }

        if (type.IsPointer)
        {
            return ParameterTypeName(type.GetElementType()!) + "*";
        }

        if (type.IsArray)
        {
            return ParameterTypeName(type.GetElementType()!) + (type.GetArrayRank() == 1 ? "[]" : "[" + string.Join(",", Enumerable.Repeat("0:", type.GetArrayRank())) + "]");
        }

        if (type.IsGenericType)
        {
            string name = TypeName(type.GetGenericTypeDefinition());
            var text = new StringBuilder(name[..name.LastIndexOf('`')]);
            text.Append('{').AppendJoin(',', type.GetGenericArguments().Select(ParameterTypeName)).Append('}');
            return text.ToString();
        }

        return TypeName(type);
    }

    // A type's full name as IDs write it: nested types joined with '.', generic definitions with their `n.
    private static string TypeName(Type type) => type.FullName!.Replace('+', '.');
}
