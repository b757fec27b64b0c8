using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using System.Xml;
using SMA = System.Management.Automation;

namespace CommsInvite.HelpGen;

/// <summary>What one generation produced, and every reason the help is incomplete or wrong.</summary>
public sealed class GeneratedHelp
{
    public required string MamlXml { get; init; }
    public required string AboutText { get; init; }
    public required IReadOnlyList<string> Problems { get; init; }
}

/// <summary>
/// Builds the MAML for every cmdlet the built module exports, from module/help/&lt;Cmdlet&gt;.md, and the about topic
/// from module/help/about_CommsInvite.md. Adding help for a new cmdlet is writing its markdown file.
/// </summary>
public static class HelpGenerator
{
    public const string MamlFileName = "CommsInvite.dll-Help.xml";
    public const string AboutFileName = "about_CommsInvite.help.txt";
    public const int MinimumExamples = 2;

    private const string MamlNs = "http://schemas.microsoft.com/maml/2004/10";
    private const string CommandNs = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private const string DevNs = "http://schemas.microsoft.com/maml/dev/2004/10";

    /// <summary>WhatIf and Confirm are documented by the engine's convention, not per cmdlet.</summary>
    private static readonly Dictionary<string, string> ShouldProcessParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["WhatIf"] = "Shows what would happen if the cmdlet runs. Nothing is sent to Microsoft Graph.",
        ["Confirm"] = "Prompts you for confirmation before sending anything to Microsoft Graph.",
    };

    public static string HelpSourceFolder(string repoRoot) => Path.Combine(repoRoot, "module", "help");

    public static string OutputFolder(string repoRoot) => Path.Combine(repoRoot, "module", "en-US");

    /// <summary>Imports the built module (a manifest path) in a fresh engine and generates its help.</summary>
    public static GeneratedHelp Generate(string repoRoot, string builtManifestPath)
    {
        using var runspace = OpenRunspace();
        return Generate(repoRoot, LoadCommands(runspace, builtManifestPath));
    }

    public static GeneratedHelp Generate(string repoRoot, IReadOnlyList<CmdletInfo> commands)
    {
        var problems = new List<string>();
        var helpFolder = HelpSourceFolder(repoRoot);
        var sources = new Dictionary<string, CommandHelpSource>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.EnumerateFiles(helpFolder, "*.md").OrderBy(f => f, StringComparer.Ordinal))
        {
            if (Path.GetFileName(file).StartsWith("about_", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            try
            {
                var source = HelpMarkdown.ParseCommand(file);
                if (!string.Equals(source.Name, Path.GetFileNameWithoutExtension(file), StringComparison.Ordinal))
                {
                    problems.Add($"{Path.GetFileName(file)}: the title '# {source.Name}' does not match the file name.");
                }

                sources[source.Name] = source;
            }
            catch (FormatException ex)
            {
                problems.Add(ex.Message);
            }
        }

        var exported = commands.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        foreach (var orphan in sources.Keys.Where(name => exported.All(c => !string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))))
        {
            problems.Add($"{orphan}.md: the module exports no cmdlet named {orphan}.");
        }

        var document = new StringBuilder();
        using (var writer = XmlWriter.Create(document, new XmlWriterSettings
        {
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            OmitXmlDeclaration = true,
        }))
        {
            writer.WriteStartElement("helpItems", "http://msh");
            writer.WriteAttributeString("schema", "maml");
            foreach (var command in exported)
            {
                if (!sources.TryGetValue(command.Name, out var source))
                {
                    problems.Add($"{command.Name}: no help; write module/help/{command.Name}.md.");
                    continue;
                }

                Check(command, source, problems);
                WriteCommand(writer, command, source);
            }

            writer.WriteEndElement();
        }

        var aboutPath = Path.Combine(helpFolder, "about_CommsInvite.md");
        var about = string.Empty;
        if (File.Exists(aboutPath))
        {
            try
            {
                about = AboutTopicWriter.Write(HelpMarkdown.ParseAbout(aboutPath));
            }
            catch (FormatException ex)
            {
                problems.Add(ex.Message);
            }
        }
        else
        {
            problems.Add("module/help/about_CommsInvite.md is missing.");
        }

        return new GeneratedHelp
        {
            MamlXml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + document + "\n",
            AboutText = about,
            Problems = problems,
        };
    }

    public static Runspace OpenRunspace()
    {
        var state = InitialSessionState.CreateDefault2();
        if (OperatingSystem.IsWindows())
        {
            state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        }

        var runspace = RunspaceFactory.CreateRunspace(state);
        runspace.Open();
        return runspace;
    }

    /// <summary>The exported cmdlets of the module, as the real engine sees them after Import-Module (use them while the runspace is open).</summary>
    public static IReadOnlyList<CmdletInfo> LoadCommands(Runspace runspace, string builtManifestPath)
    {
        using var ps = SMA.PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript("Import-Module -Name $args[0] -ErrorAction Stop; Get-Command -Module CommsInvite -CommandType Cmdlet").AddArgument(builtManifestPath);
        var output = ps.Invoke();
        if (ps.HadErrors && ps.Streams.Error.Count > 0)
        {
            throw new InvalidOperationException("Importing the module failed: " + ps.Streams.Error[0]);
        }

        return output.Select(o => o.BaseObject).OfType<CmdletInfo>().ToList();
    }

    /// <summary>The cmdlet's own parameters: everything but the common parameters (WhatIf/Confirm are kept).</summary>
    public static IEnumerable<string> DocumentedParameterNames(CommandInfo command) =>
        command.Parameters.Keys.Where(name => !Cmdlet.CommonParameters.Contains(name)).OrderBy(n => n, StringComparer.Ordinal);

    private static void Check(CmdletInfo command, CommandHelpSource source, List<string> problems)
    {
        var file = Path.GetFileName(source.SourcePath);
        if (source.Synopsis.Count == 0)
        {
            problems.Add($"{file}: ## SYNOPSIS is empty.");
        }

        if (source.Description.Count == 0)
        {
            problems.Add($"{file}: ## DESCRIPTION is empty.");
        }

        if (source.Examples.Count < MinimumExamples)
        {
            problems.Add($"{file}: {source.Examples.Count} example(s); write at least {MinimumExamples}.");
        }

        foreach (var example in source.Examples.Where(e => e.Code.Trim().Length == 0))
        {
            problems.Add($"{file}: example '{example.Title}' has no code block.");
        }

        if (source.RelatedLinks.Count == 0)
        {
            problems.Add($"{file}: ## RELATED LINKS is empty.");
        }

        var actual = DocumentedParameterNames(command).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var documented in source.Parameters)
        {
            if (!actual.Contains(documented.Name))
            {
                problems.Add($"{file}: documents -{documented.Name}, which {command.Name} does not have.");
            }
            else if (documented.Paragraphs.Count == 0)
            {
                problems.Add($"{file}: -{documented.Name} has an empty description.");
            }
        }

        foreach (var name in actual)
        {
            if (!ShouldProcessParameters.ContainsKey(name) && source.Parameters.All(p => !string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"{file}: -{name} has no help; add '### -{name}' under ## PARAMETERS.");
            }
        }
    }

    private static void WriteCommand(XmlWriter writer, CmdletInfo command, CommandHelpSource source)
    {
        writer.WriteStartElement("command", "command", CommandNs);
        writer.WriteAttributeString("xmlns", "maml", null, MamlNs);
        writer.WriteAttributeString("xmlns", "command", null, CommandNs);
        writer.WriteAttributeString("xmlns", "dev", null, DevNs);

        writer.WriteStartElement("command", "details", CommandNs);
        writer.WriteElementString("command", "name", CommandNs, command.Name);
        WriteDescription(writer, source.Synopsis);
        writer.WriteElementString("command", "verb", CommandNs, command.Verb);
        writer.WriteElementString("command", "noun", CommandNs, command.Noun);
        writer.WriteEndElement();

        WriteDescription(writer, source.Description);

        var descriptions = source.Parameters.ToDictionary(p => p.Name, p => p.Paragraphs, StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<string> DescriptionOf(string name) =>
            descriptions.TryGetValue(name, out var text) ? text
            : ShouldProcessParameters.TryGetValue(name, out var standard) ? new[] { standard }
            : Array.Empty<string>();

        writer.WriteStartElement("command", "syntax", CommandNs);
        foreach (var set in OrderedSets(command))
        {
            writer.WriteStartElement("command", "syntaxItem", CommandNs);
            writer.WriteElementString("maml", "name", MamlNs, command.Name);
            foreach (var parameter in set.Parameters.Where(p => !Cmdlet.CommonParameters.Contains(p.Name))
                         .OrderBy(p => p.Position < 0 ? int.MaxValue : p.Position).ThenBy(p => p.IsMandatory ? 0 : 1).ThenBy(p => ShouldProcessParameters.ContainsKey(p.Name) ? 1 : 0))
            {
                WriteParameter(
                    writer,
                    parameter.Name,
                    parameter.ParameterType,
                    parameter.IsMandatory,
                    parameter.Position < 0 ? "named" : parameter.Position.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    PipelineText(parameter.ValueFromPipeline, parameter.ValueFromPipelineByPropertyName),
                    parameter.Aliases,
                    DescriptionOf(parameter.Name));
            }

            writer.WriteEndElement();
        }

        writer.WriteEndElement();

        writer.WriteStartElement("command", "parameters", CommandNs);
        foreach (var name in DocumentedParameterNames(command))
        {
            var inSets = command.ParameterSets.SelectMany(s => s.Parameters.Where(p => p.Name == name)).ToList();
            if (inSets.Count == 0)
            {
                continue;
            }

            var positions = inSets.Select(p => p.Position).Distinct().ToList();
            WriteParameter(
                writer,
                name,
                inSets[0].ParameterType,
                inSets.All(p => p.IsMandatory),
                positions.Count == 1 && positions[0] >= 0 ? positions[0].ToString(System.Globalization.CultureInfo.InvariantCulture) : "named",
                PipelineText(inSets.Any(p => p.ValueFromPipeline), inSets.Any(p => p.ValueFromPipelineByPropertyName)),
                command.Parameters[name].Aliases,
                DescriptionOf(name));
        }

        writer.WriteEndElement();

        WriteTypes(writer, "inputTypes", "inputType", source.Inputs);
        WriteTypes(writer, "returnValues", "returnValue", source.Outputs);

        if (source.Notes.Count > 0)
        {
            writer.WriteStartElement("maml", "alertSet", MamlNs);
            writer.WriteStartElement("maml", "alert", MamlNs);
            foreach (var paragraph in source.Notes)
            {
                writer.WriteElementString("maml", "para", MamlNs, paragraph);
            }

            writer.WriteEndElement();
            writer.WriteEndElement();
        }

        writer.WriteStartElement("command", "examples", CommandNs);
        var number = 0;
        foreach (var example in source.Examples)
        {
            number++;
            writer.WriteStartElement("command", "example", CommandNs);
            var title = example.Title.StartsWith("Example", StringComparison.OrdinalIgnoreCase) ? example.Title : $"Example {number}: {example.Title}";
            writer.WriteElementString("maml", "title", MamlNs, $"-------------------------- {title} --------------------------");
            writer.WriteElementString("dev", "code", DevNs, example.Code);
            writer.WriteStartElement("dev", "remarks", DevNs);
            foreach (var paragraph in example.Remarks)
            {
                writer.WriteElementString("maml", "para", MamlNs, paragraph);
            }

            writer.WriteEndElement();
            writer.WriteEndElement();
        }

        writer.WriteEndElement();

        writer.WriteStartElement("command", "relatedLinks", CommandNs);
        foreach (var link in source.RelatedLinks)
        {
            writer.WriteStartElement("maml", "navigationLink", MamlNs);
            writer.WriteElementString("maml", "linkText", MamlNs, link.Text);
            writer.WriteElementString("maml", "uri", MamlNs, link.Uri ?? string.Empty);
            writer.WriteEndElement();
        }

        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    // The default set first, then the others in declaration order, as Get-Command shows them.
    private static IEnumerable<CommandParameterSetInfo> OrderedSets(CmdletInfo command) =>
        command.ParameterSets.OrderBy(s => s.IsDefault ? 0 : 1);

    private static void WriteDescription(XmlWriter writer, IReadOnlyList<string> paragraphs)
    {
        writer.WriteStartElement("maml", "description", MamlNs);
        foreach (var paragraph in paragraphs)
        {
            writer.WriteElementString("maml", "para", MamlNs, paragraph);
        }

        writer.WriteEndElement();
    }

    private static void WriteParameter(
        XmlWriter writer, string name, Type type, bool required, string position, string pipeline, IEnumerable<string> aliases, IReadOnlyList<string> description)
    {
        var isSwitch = type == typeof(SwitchParameter);
        var aliasList = aliases.ToList();
        writer.WriteStartElement("command", "parameter", CommandNs);
        writer.WriteAttributeString("required", required ? "true" : "false");
        writer.WriteAttributeString("variableLength", type.IsArray ? "true" : "false");
        writer.WriteAttributeString("globbing", "false");
        writer.WriteAttributeString("pipelineInput", pipeline);
        writer.WriteAttributeString("position", position);
        writer.WriteAttributeString("aliases", aliasList.Count == 0 ? "none" : string.Join(", ", aliasList));
        writer.WriteElementString("maml", "name", MamlNs, name);
        WriteDescription(writer, description);
        if (!isSwitch)
        {
            writer.WriteStartElement("command", "parameterValue", CommandNs);
            writer.WriteAttributeString("required", "true");
            writer.WriteAttributeString("variableLength", type.IsArray ? "true" : "false");
            writer.WriteString(ShortName(type));
            writer.WriteEndElement();
        }

        writer.WriteStartElement("dev", "type", DevNs);
        writer.WriteElementString("maml", "name", MamlNs, ShortName(type));
        writer.WriteElementString("maml", "uri", MamlNs, string.Empty);
        writer.WriteEndElement();
        writer.WriteElementString("dev", "defaultValue", DevNs, isSwitch ? "False" : "None");
        writer.WriteEndElement();
    }

    private static void WriteTypes(XmlWriter writer, string listElement, string itemElement, IReadOnlyList<HelpEntry> entries)
    {
        writer.WriteStartElement("command", listElement, CommandNs);
        foreach (var entry in entries)
        {
            writer.WriteStartElement("command", itemElement, CommandNs);
            writer.WriteStartElement("dev", "type", DevNs);
            writer.WriteElementString("maml", "name", MamlNs, entry.Name);
            writer.WriteEndElement();
            WriteDescription(writer, entry.Paragraphs);
            writer.WriteEndElement();
        }

        writer.WriteEndElement();
    }

    private static string PipelineText(bool byValue, bool byPropertyName) => (byValue, byPropertyName) switch
    {
        (true, true) => "True (ByValue, ByPropertyName)",
        (true, false) => "True (ByValue)",
        (false, true) => "True (ByPropertyName)",
        _ => "False",
    };

    /// <summary>String, String[], TimeSpan (for TimeSpan?), SwitchParameter: what Get-Command's syntax shows.</summary>
    public static string ShortName(Type type)
    {
        if (type.IsArray)
        {
            return ShortName(type.GetElementType()!) + "[]";
        }

        var underlying = Nullable.GetUnderlyingType(type);
        return underlying is not null ? ShortName(underlying) : type.Name;
    }
}
