using System.Diagnostics;
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace NetSim.Tests;

/// <summary>
/// The NuGet package, packed from the build these tests run against (<c>dotnet pack --no-build</c>,
/// a couple of seconds), is one a user can trust: it names the repository and the commit it was
/// built from, shows the package README, and its symbols tell a debugger where each source file is.
/// </summary>
public sealed class PackageTests(PackageTests.PackedLibrary package) : IClassFixture<PackageTests.PackedLibrary>
{
    // The portable PDB's custom debug information kinds (Portable PDB format, "SourceLink" and "EmbeddedSource").
    private static readonly Guid SourceLinkKind = new("cc110556-a091-4d38-9fec-25ab9a351a6a");
    private static readonly Guid EmbeddedSourceKind = new("0e8a571b-6926-466e-b4ad-8ab04611f5fe");

    private static readonly XNamespace Nuspec = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";

    [Fact]
    public void The_nuspec_names_the_repository_and_the_commit_it_was_built_from()
    {
        XElement repository = package.Nuspec.Descendants(Nuspec + "repository").Single();

        ((string?)repository.Attribute("type")).Should().Be("git");
        ((string?)repository.Attribute("url")).Should().Be(PackageReadmeTests.RepositoryUrl);
        ((string?)repository.Attribute("commit")).Should().Be(Git("rev-parse HEAD"));
        package.Nuspec.Descendants(Nuspec + "projectUrl").Single().Value.Should().Be(PackageReadmeTests.RepositoryUrl);
    }

    [Fact]
    public void The_package_shows_the_README_written_for_its_users()
    {
        string readme = package.Nuspec.Descendants(Nuspec + "readme").Single().Value;

        package.Entries.Should().ContainKey(readme);
        package.Entries[readme].Should().Be(File.ReadAllText(RepositoryFiles.PathOf("src", "NetSim", "PACKAGE.md")));
        package.Entries[readme].Should().NotBe(File.ReadAllText(RepositoryFiles.PathOf("README.md")));
        package.Entries.Keys.Should().NotContain("README.md", "the repository's README is for contributors");
    }

    [Fact]
    public void The_symbols_map_the_sources_to_the_repository_at_that_commit()
    {
        // GitHub serves a file of a commit from raw.githubusercontent.com/OWNER/REPO/COMMIT/PATH.
        // The commit is the one the library was built at: HEAD in CI, which builds a clean clone; a
        // commit of this repository in any case (a local build, then a commit, then the tests).
        string prefix = PackageReadmeTests.RepositoryUrl.Replace("https://github.com/", "https://raw.githubusercontent.com/", StringComparison.Ordinal) + "/";

        using MetadataReaderProvider pdb = package.SymbolsPdb();
        MetadataReader reader = pdb.GetMetadataReader();
        string sourceLink = Encoding.UTF8.GetString(reader.GetBlobBytes(CustomDebugInformation(reader, EntityHandle.ModuleDefinition, SourceLinkKind).Single()));
        Dictionary<string, string> documents = JsonDocument.Parse(sourceLink).RootElement.GetProperty("documents").Deserialize<Dictionary<string, string>>()!;

        string mapped = documents.Should().ContainSingle().Which.Value;
        mapped.Should().StartWith(prefix).And.EndWith("/*");
        string commit = mapped[prefix.Length..^2];
        commit.Should().MatchRegex("^[0-9a-f]{40}$");
        Git($"cat-file -t {commit}").Should().Be("commit", "the sources are mapped at a commit of this repository");
        string mappedRoot = documents.Single().Key.TrimEnd('*');
        string[] names = reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name)).ToArray();
        names.Should().Contain(name => name.EndsWith("Engine/Simulation.cs", StringComparison.Ordinal) && name.StartsWith(mappedRoot, StringComparison.Ordinal));
    }

    [Fact]
    public void Sources_that_git_does_not_track_are_embedded_in_the_symbols()
    {
        // Files generated into obj/ are not in the repository, so a debugger could not download them.
        using MetadataReaderProvider pdb = package.SymbolsPdb();
        MetadataReader reader = pdb.GetMetadataReader();
        DocumentHandle[] generated = reader.Documents.Where(d => reader.GetString(reader.GetDocument(d).Name).Contains("/obj/", StringComparison.Ordinal)).ToArray();

        generated.Should().NotBeEmpty();
        generated.Should().OnlyContain(d => CustomDebugInformation(reader, d, EmbeddedSourceKind).Any());
    }

    private static IEnumerable<BlobHandle> CustomDebugInformation(MetadataReader reader, EntityHandle parent, Guid kind) =>
        reader.GetCustomDebugInformation(parent)
            .Select(reader.GetCustomDebugInformation)
            .Where(info => reader.GetGuid(info.Kind) == kind)
            .Select(info => info.Value);

    private static string Git(string arguments) => PackedLibrary.Run("git", arguments, RepositoryFiles.Root).Trim();

    /// <summary>The library packed once for these tests into a temporary folder, and what is in it.</summary>
    public sealed class PackedLibrary : IDisposable
    {
#if DEBUG
        private const string Configuration = "Debug";
#else
        private const string Configuration = "Release";
#endif

        private readonly string folder = Directory.CreateTempSubdirectory("netsim-pack-").FullName;

        /// <summary>Packs src/NetSim as it was built.</summary>
        public PackedLibrary()
        {
            Run("dotnet", $"pack src/NetSim/NetSim.csproj -c {Configuration} --no-build --nologo -o \"{folder}\"", RepositoryFiles.Root);
            string nupkg = Directory.GetFiles(folder, "NetSim.*.nupkg").Single(f => !f.EndsWith(".snupkg", StringComparison.Ordinal));
            SymbolsPackage = Path.ChangeExtension(nupkg, ".snupkg");
            using ZipArchive zip = ZipFile.OpenRead(nupkg);
            Entries = zip.Entries.Where(e => e.FullName.EndsWith(".md", StringComparison.Ordinal) || e.FullName.EndsWith(".nuspec", StringComparison.Ordinal))
                .ToDictionary(e => e.FullName, e => new StreamReader(e.Open()).ReadToEnd());
            Nuspec = XElement.Parse(Entries["NetSim.nuspec"]);
        }

        /// <summary>The text files of the .nupkg (its .nuspec and its Markdown), by their path in the package.</summary>
        public Dictionary<string, string> Entries { get; }

        /// <summary>The package's .nuspec.</summary>
        public XElement Nuspec { get; }

        /// <summary>The symbol package (.snupkg) beside the package.</summary>
        public string SymbolsPackage { get; }

        /// <summary>The library's portable PDB, read from the symbol package.</summary>
        public MetadataReaderProvider SymbolsPdb()
        {
            using ZipArchive zip = ZipFile.OpenRead(SymbolsPackage);
            using Stream entry = zip.GetEntry("lib/net10.0/NetSim.pdb")!.Open();
            var copy = new MemoryStream();
            entry.CopyTo(copy);
            copy.Position = 0;
            return MetadataReaderProvider.FromPortablePdbStream(copy);
        }

        /// <inheritdoc/>
        public void Dispose() => Directory.Delete(folder, recursive: true);

        /// <summary>Runs a program to its end and returns its standard output; a failure throws with what it printed.</summary>
        internal static string Run(string program, string arguments, string directory)
        {
            var start = new ProcessStartInfo(program, arguments)
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };

            // The test host runs under MSBuild's variables; a nested dotnet must find its own.
            foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToArray())
            {
                start.Environment.Remove(name);
            }

            using Process process = Process.Start(start)!;
            Task<string> error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{program} {arguments} exited with {process.ExitCode}:\n{output}\n{error.Result}");
            }

            return output;
        }
    }
}
