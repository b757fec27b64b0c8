using System.Text;

namespace CommsInvite.HelpGen;

/// <summary>
/// Writes an about topic in the layout of PowerShell's own about_*.help.txt files: section headings in capitals
/// at the margin, text wrapped at 80 columns and indented four spaces, code indented eight.
/// </summary>
public static class AboutTopicWriter
{
    public static string Write(AboutHelpSource source)
    {
        var text = new StringBuilder();
        text.Append("TOPIC\n    ").Append(source.Name).Append('\n');
        foreach (var (heading, blocks) in source.Sections)
        {
            text.Append('\n').Append(heading).Append('\n');
            BlockKind? previous = null;
            foreach (var block in blocks)
            {
                // Blank lines between blocks, except between the items of one list.
                if (previous is not null && !(previous == BlockKind.ListItem && block.Kind == BlockKind.ListItem))
                {
                    text.Append('\n');
                }

                previous = block.Kind;
                switch (block.Kind)
                {
                    case BlockKind.Code:
                        foreach (var line in block.Text.Split('\n'))
                        {
                            text.Append(line.Length == 0 ? string.Empty : "        " + line).Append('\n');
                        }

                        break;
                    case BlockKind.ListItem:
                        foreach (var line in TextWrap.Wrap("- " + block.Text, "    ", hangingIndent: "      "))
                        {
                            text.Append(line).Append('\n');
                        }

                        break;
                    default:
                        foreach (var line in TextWrap.Wrap(block.Text, "    "))
                        {
                            text.Append(line).Append('\n');
                        }

                        break;
                }
            }
        }

        return text.ToString();
    }
}
