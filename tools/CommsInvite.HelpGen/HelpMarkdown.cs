using System.Text;
using System.Text.RegularExpressions;

namespace CommsInvite.HelpGen;

/// <summary>One example: a title, the code (fenced block) and the remarks after it.</summary>
public sealed record HelpExample(string Title, string Code, IReadOnlyList<string> Remarks);

/// <summary>A named entry of PARAMETERS, INPUTS or OUTPUTS (### heading) with its paragraphs.</summary>
public sealed record HelpEntry(string Name, IReadOnlyList<string> Paragraphs);

/// <summary>RELATED LINKS item: link text, and a URI when it points outside the help (http/https).</summary>
public sealed record HelpLink(string Text, string? Uri);

/// <summary>
/// A cmdlet's help as written in module/help/&lt;Cmdlet&gt;.md. The format is platyPS-like, smaller:
/// <c># Name</c>, then <c>## SYNOPSIS</c>, <c>## DESCRIPTION</c>, <c>## EXAMPLES</c> (<c>### title</c> + fenced code +
/// remarks), <c>## PARAMETERS</c> (<c>### -Name</c> + text), <c>## INPUTS</c>/<c>## OUTPUTS</c> (<c>### Type</c> + text),
/// <c>## NOTES</c>, <c>## RELATED LINKS</c> (<c>- [text](target)</c>). Syntax and parameter attributes are not
/// written here: they come from the cmdlet.
/// </summary>
public sealed class CommandHelpSource
{
    public required string SourcePath { get; init; }
    public required string Name { get; init; }
    public required IReadOnlyList<string> Synopsis { get; init; }
    public required IReadOnlyList<string> Description { get; init; }
    public required IReadOnlyList<HelpExample> Examples { get; init; }
    public required IReadOnlyList<HelpEntry> Parameters { get; init; }
    public required IReadOnlyList<HelpEntry> Inputs { get; init; }
    public required IReadOnlyList<HelpEntry> Outputs { get; init; }
    public required IReadOnlyList<string> Notes { get; init; }
    public required IReadOnlyList<HelpLink> RelatedLinks { get; init; }
}

/// <summary>An about topic as written in module/help/about_*.md: <c># about_X</c>, then <c>## SECTION</c> blocks.</summary>
public sealed record AboutHelpSource(string SourcePath, string Name, IReadOnlyList<(string Heading, IReadOnlyList<Block> Blocks)> Sections);

/// <summary>A paragraph (text joined into one line), a list item, or a code block (lines kept as written).</summary>
public sealed record Block(BlockKind Kind, string Text);

public enum BlockKind
{
    Paragraph,
    ListItem,
    Code,
}

/// <summary>Parses the markdown subset above. Errors name the file and line, so a typo is found at once.</summary>
public static class HelpMarkdown
{
    private static readonly Regex LinkPattern = new(@"^\s*[-*]\s*\[(?<text>[^\]]+)\]\((?<target>[^)]*)\)\s*$");

    public static CommandHelpSource ParseCommand(string path) => ParseCommand(path, File.ReadAllText(path));

    public static CommandHelpSource ParseCommand(string path, string markdown)
    {
        var document = Sectioned.Parse(path, markdown);
        var examples = new List<HelpExample>();
        foreach (var (title, body) in document.Subsections("EXAMPLES"))
        {
            var blocks = Blocks(body);
            var code = string.Join("\n\n", blocks.Where(b => b.Kind == BlockKind.Code).Select(b => b.Text));
            var remarks = blocks.Where(b => b.Kind != BlockKind.Code).Select(Render).ToList();
            examples.Add(new HelpExample(title, code, remarks));
        }

        var links = new List<HelpLink>();
        foreach (var line in document.Section("RELATED LINKS").Where(l => l.Trim().Length > 0))
        {
            var match = LinkPattern.Match(line);
            if (!match.Success)
            {
                throw new FormatException($"{path}: RELATED LINKS lines must look like '- [text](target)': '{line.Trim()}'.");
            }

            var target = match.Groups["target"].Value.Trim();
            var isWeb = target.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("http://", StringComparison.OrdinalIgnoreCase);
            links.Add(new HelpLink(match.Groups["text"].Value.Trim(), isWeb ? target : null));
        }

        return new CommandHelpSource
        {
            SourcePath = path,
            Name = document.Title,
            Synopsis = Paragraphs(document.Section("SYNOPSIS")),
            Description = Paragraphs(document.Section("DESCRIPTION")),
            Examples = examples,
            Parameters = document.Subsections("PARAMETERS").Select(s => new HelpEntry(s.Title.TrimStart('-'), Paragraphs(s.Body))).ToList(),
            Inputs = document.Subsections("INPUTS").Select(s => new HelpEntry(s.Title, Paragraphs(s.Body))).ToList(),
            Outputs = document.Subsections("OUTPUTS").Select(s => new HelpEntry(s.Title, Paragraphs(s.Body))).ToList(),
            Notes = Paragraphs(document.Section("NOTES")),
            RelatedLinks = links,
        };
    }

    public static AboutHelpSource ParseAbout(string path)
    {
        var document = Sectioned.Parse(path, File.ReadAllText(path));
        return new AboutHelpSource(path, document.Title, document.SectionNames.Select(n => (n, (IReadOnlyList<Block>)Blocks(document.Section(n)))).ToList());
    }

    /// <summary>Paragraph and list blocks rendered as text (code blocks kept verbatim).</summary>
    public static IReadOnlyList<string> Paragraphs(IReadOnlyList<string> lines) => Blocks(lines).Select(Render).ToList();

    private static string Render(Block block) => block.Kind switch
    {
        BlockKind.ListItem => "- " + block.Text,
        _ => block.Text,
    };

    public static IReadOnlyList<Block> Blocks(IReadOnlyList<string> lines)
    {
        var blocks = new List<Block>();
        var paragraph = new List<string>();
        BlockKind paragraphKind = BlockKind.Paragraph;

        void Flush()
        {
            if (paragraph.Count > 0)
            {
                blocks.Add(new Block(paragraphKind, string.Join(" ", paragraph)));
                paragraph.Clear();
            }

            paragraphKind = BlockKind.Paragraph;
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var trimmed = line.Trim();
            if (trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                Flush();
                var code = new List<string>();
                for (i++; i < lines.Count && !lines[i].Trim().StartsWith("```", StringComparison.Ordinal); i++)
                {
                    code.Add(lines[i].TrimEnd());
                }

                blocks.Add(new Block(BlockKind.Code, string.Join("\n", code)));
                continue;
            }

            if (trimmed.Length == 0)
            {
                Flush();
                continue;
            }

            if (trimmed.StartsWith("- ", StringComparison.Ordinal) || trimmed.StartsWith("* ", StringComparison.Ordinal))
            {
                Flush();
                paragraphKind = BlockKind.ListItem;
                paragraph.Add(trimmed.Substring(2).Trim());
                continue;
            }

            paragraph.Add(trimmed);
        }

        Flush();
        return blocks;
    }

    /// <summary>The document split into its # title, ## sections and ### subsections (code fences respected).</summary>
    private sealed class Sectioned
    {
        private readonly string _path;
        private readonly List<(string Name, List<string> Lines)> _sections = new();

        private Sectioned(string path) => _path = path;

        public string Title { get; private set; } = string.Empty;

        public IEnumerable<string> SectionNames => _sections.Select(s => s.Name);

        public static Sectioned Parse(string path, string markdown)
        {
            var document = new Sectioned(path);
            var lines = markdown.Replace("\r\n", "\n").Split('\n');
            var inCode = false;
            var inFrontMatter = false;
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                if (i == 0 && line.Trim() == "---")
                {
                    inFrontMatter = true;
                    continue;
                }

                if (inFrontMatter)
                {
                    inFrontMatter = line.Trim() != "---";
                    continue;
                }

                if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
                {
                    inCode = !inCode;
                }

                if (!inCode && line.StartsWith("# ", StringComparison.Ordinal) && document.Title.Length == 0)
                {
                    document.Title = line.Substring(2).Trim();
                    continue;
                }

                if (!inCode && line.StartsWith("## ", StringComparison.Ordinal))
                {
                    document._sections.Add((line.Substring(3).Trim().ToUpperInvariant(), new List<string>()));
                    continue;
                }

                if (document._sections.Count == 0)
                {
                    if (line.Trim().Length > 0 && document.Title.Length > 0)
                    {
                        throw new FormatException($"{path}:{i + 1}: text before the first '## SECTION' heading.");
                    }

                    continue;
                }

                document._sections[^1].Lines.Add(line);
            }

            if (document.Title.Length == 0)
            {
                throw new FormatException($"{path}: no '# Name' title.");
            }

            return document;
        }

        public IReadOnlyList<string> Section(string name) =>
            _sections.FirstOrDefault(s => s.Name == name).Lines ?? new List<string>();

        public IReadOnlyList<(string Title, IReadOnlyList<string> Body)> Subsections(string name)
        {
            var result = new List<(string, IReadOnlyList<string>)>();
            string? title = null;
            var body = new List<string>();
            var inCode = false;
            foreach (var line in Section(name))
            {
                if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
                {
                    inCode = !inCode;
                }

                if (!inCode && line.StartsWith("### ", StringComparison.Ordinal))
                {
                    if (title is not null)
                    {
                        result.Add((title, body));
                    }

                    title = line.Substring(4).Trim();
                    body = new List<string>();
                    continue;
                }

                if (title is null)
                {
                    if (line.Trim().Length > 0)
                    {
                        throw new FormatException($"{_path}: text in ## {name} before its first '### ' heading: '{line.Trim()}'.");
                    }

                    continue;
                }

                body.Add(line);
            }

            if (title is not null)
            {
                result.Add((title, body));
            }

            return result;
        }
    }
}

internal static class TextWrap
{
    /// <summary>Wraps <paramref name="text"/> at <paramref name="width"/> columns, each line prefixed with <paramref name="indent"/>.</summary>
    public static IEnumerable<string> Wrap(string text, string indent, int width = 80, string? hangingIndent = null)
    {
        var line = new StringBuilder(indent);
        var lineHasWord = false;
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (lineHasWord && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear().Append(hangingIndent ?? indent);
                lineHasWord = false;
            }

            if (lineHasWord)
            {
                line.Append(' ');
            }

            line.Append(word);
            lineHasWord = true;
        }

        if (lineHasWord)
        {
            yield return line.ToString();
        }
    }
}
