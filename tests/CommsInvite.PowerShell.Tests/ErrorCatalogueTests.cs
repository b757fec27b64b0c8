using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>
/// The error catalogues (Core's ErrorIds, the cmdlets' CommandErrorIds), docs/errors.md and the golden list agree:
/// every id is a row of docs/errors.md under its area and every row is an id; the ids equal ErrorIds.golden.txt, so a
/// rename or removal fails; no id is in both catalogues. The ids are read from the built assemblies' metadata (their
/// public constants), without loading them: the module keeps its own load context, and this host must not hold a
/// second copy.
/// </summary>
public sealed class ErrorCatalogueTests
{
    private const string NeverRenamed =
        "Error ids are never renamed or removed: scripts match on them. A new id is added to its catalogue's area, to " +
        "tests/CommsInvite.PowerShell.Tests/ErrorIds.golden.txt (sorted) and to docs/errors.md.";

    private static readonly Lazy<IReadOnlyList<CatalogueId>> Ids = new(ReadCatalogues);

    private static string DocsPath => Path.Combine(ModuleLayout.RepoRoot, "docs", "errors.md");

    private static string GoldenPath => Path.Combine(ModuleLayout.RepoRoot, "tests", "CommsInvite.PowerShell.Tests", "ErrorIds.golden.txt");

    [Fact]
    public void EveryCatalogueId_IsARowOfTheErrorTable_UnderItsArea()
    {
        var rows = ReadDocRows();
        var problems = new List<string>();
        foreach (var id in Ids.Value)
        {
            if (!rows.TryGetValue(id.Value, out var row))
            {
                problems.Add($"{id.Value} ({id.Catalogue}.{id.Area}) has no row in docs/errors.md.");
            }
            else if (!string.Equals(row.Area, id.Area, StringComparison.Ordinal) || !string.Equals(row.Section, id.Area, StringComparison.Ordinal))
            {
                problems.Add($"{id.Value} is in area {id.Area}, but docs/errors.md lists it under section '{row.Section}' with area '{row.Area}'.");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void EveryRowOfTheErrorTable_NamesACatalogueId()
    {
        var known = Ids.Value.Select(id => id.Value).ToHashSet(StringComparer.Ordinal);
        var unknown = ReadDocRows().Keys.Where(id => !known.Contains(id)).ToList();
        Assert.True(unknown.Count == 0, "docs/errors.md lists ids that no catalogue holds: " + string.Join(", ", unknown));
    }

    [Fact]
    public void CatalogueIds_EqualTheGoldenList()
    {
        var golden = File.ReadAllLines(GoldenPath).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        Assert.True(golden.SequenceEqual(golden.OrderBy(l => l, StringComparer.Ordinal)), "ErrorIds.golden.txt must be sorted (ordinal).");

        var current = Ids.Value.Select(id => id.Value).ToHashSet(StringComparer.Ordinal);
        var missing = golden.Where(id => !current.Contains(id)).ToList();
        var added = current.Where(id => !golden.Contains(id, StringComparer.Ordinal)).OrderBy(id => id, StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"Ids of the golden list are gone from the catalogues: {string.Join(", ", missing)}. {NeverRenamed}");
        Assert.True(added.Count == 0, $"Ids not in the golden list: {string.Join(", ", added)}. {NeverRenamed}");
    }

    [Fact]
    public void NoId_IsInBothCatalogues_OrTwiceInOne()
    {
        var twice = Ids.Value.GroupBy(id => id.Value, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key} ({string.Join(", ", g.Select(id => id.Catalogue + "." + id.Area))})").ToList();
        Assert.True(twice.Count == 0, "An id lives in one catalogue, once: " + string.Join("; ", twice));
    }

    [Fact]
    public void Catalogues_HoldEveryIdInAnArea()
    {
        // Both catalogues group their ids in nested classes: a constant directly on the catalogue has no area.
        Assert.Contains(Ids.Value, id => id.Catalogue == "ErrorIds");
        Assert.Contains(Ids.Value, id => id.Catalogue == "CommandErrorIds");
        foreach (var (path, ns, name) in Catalogues())
        {
            using var pe = new PEReader(File.OpenRead(path));
            var reader = pe.GetMetadataReader();
            var type = FindType(reader, ns, name);
            Assert.Empty(StringConstants(reader, reader.GetTypeDefinition(type)));
        }
    }

    private static IEnumerable<(string Path, string Namespace, string Name)> Catalogues()
    {
        var bin = Path.Combine(ModuleLayout.ModuleFolder, "bin");
        yield return (Path.Combine(bin, "CommsInvite.Core.dll"), "CommsInvite.Core", "ErrorIds");
        yield return (Path.Combine(bin, "CommsInvite.dll"), "CommsInvite.Commands", "CommandErrorIds");
    }

    private static IReadOnlyList<CatalogueId> ReadCatalogues()
    {
        var ids = new List<CatalogueId>();
        foreach (var (path, ns, name) in Catalogues())
        {
            Assert.True(File.Exists(path), $"The module is not built: {path} is missing. Run `dotnet build CommsInvite.sln`.");
            using var pe = new PEReader(File.OpenRead(path));
            var reader = pe.GetMetadataReader();
            var catalogue = reader.GetTypeDefinition(FindType(reader, ns, name));
            foreach (var nested in catalogue.GetNestedTypes())
            {
                var area = reader.GetTypeDefinition(nested);
                if ((area.Attributes & TypeAttributes.VisibilityMask) != TypeAttributes.NestedPublic) continue;
                var areaName = reader.GetString(area.Name);
                ids.AddRange(StringConstants(reader, area).Select(value => new CatalogueId(name, areaName, value)));
            }
        }

        return ids;
    }

    private static TypeDefinitionHandle FindType(MetadataReader reader, string ns, string name)
    {
        foreach (var handle in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(handle);
            if (reader.GetString(type.Name) == name && reader.GetString(type.Namespace) == ns) return handle;
        }

        throw new Xunit.Sdk.XunitException($"{ns}.{name} is not in the built assembly.");
    }

    /// <summary>The values of a type's public const string fields.</summary>
    private static IEnumerable<string> StringConstants(MetadataReader reader, TypeDefinition type)
    {
        foreach (var handle in type.GetFields())
        {
            var field = reader.GetFieldDefinition(handle);
            const FieldAttributes PublicConst = FieldAttributes.Public | FieldAttributes.Literal;
            if ((field.Attributes & (FieldAttributes.FieldAccessMask | FieldAttributes.Literal)) != PublicConst) continue;
            var constant = reader.GetConstant(field.GetDefaultValue());
            if (constant.TypeCode != ConstantTypeCode.String) continue;
            var blob = reader.GetBlobReader(constant.Value);
            yield return blob.ReadUTF16(blob.Length);
        }
    }

    /// <summary>docs/errors.md's table rows: `Id` | Category | Area | When | ..., each with the ## section it stands in.</summary>
    private static Dictionary<string, DocRow> ReadDocRows()
    {
        var rows = new Dictionary<string, DocRow>(StringComparer.Ordinal);
        var section = string.Empty;
        foreach (var line in File.ReadAllLines(DocsPath))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                section = line[3..].Trim();
                continue;
            }

            var match = Regex.Match(line, @"^\|\s*`(?<id>[^`]+)`\s*\|(?<category>[^|]*)\|(?<area>[^|]*)\|");
            if (!match.Success) continue;
            var id = match.Groups["id"].Value;
            Assert.False(rows.ContainsKey(id), $"docs/errors.md lists {id} twice.");
            Assert.False(string.IsNullOrWhiteSpace(match.Groups["category"].Value), $"docs/errors.md gives {id} no category.");
            rows[id] = new DocRow(section, match.Groups["area"].Value.Trim());
        }

        Assert.NotEmpty(rows);
        return rows;
    }

    private sealed record CatalogueId(string Catalogue, string Area, string Value);

    private sealed record DocRow(string Section, string Area);
}
