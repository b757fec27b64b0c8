using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace CommsInvite.ScriptHost;

/// <summary>
/// The smallest host that lets a script behave as it does in pwsh: formatted output through
/// Out-Default, coloured errors/warnings/verbose, and a one-line progress display.
/// Prompts are refused: the script host runs unattended, like a runbook.
/// </summary>
internal sealed class ConsoleHost : PSHost
{
    private readonly ConsoleHostUserInterface _ui = new();

    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override string Name => "CommsInvite.ScriptHost";
    public override PSHostUserInterface UI => _ui;
    public override Version Version => new(1, 0);
    public int ExitCode { get; private set; }

    public override void EnterNestedPrompt() => throw new NotSupportedException("Nested prompts are not supported.");
    public override void ExitNestedPrompt() => throw new NotSupportedException("Nested prompts are not supported.");
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) => ExitCode = exitCode;
}

internal sealed class ConsoleHostUserInterface : PSHostUserInterface
{
    private static readonly System.Text.RegularExpressions.Regex AnsiEscape = new("\u001b\\[[0-9;]*[A-Za-z]", System.Text.RegularExpressions.RegexOptions.Compiled);
    private readonly ConsoleRawUserInterface _raw = new();
    private bool _progressShown;

    public override PSHostRawUserInterface RawUI => _raw;

    public override void Write(string value) => Out(value, newLine: false);
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Out(value, newLine: false);
    public override void WriteLine(string value) => Out(value, newLine: true);
    public override void WriteErrorLine(string value) => Out("ERROR: " + value, newLine: true, error: true);
    public override void WriteDebugLine(string message) => Out("DEBUG: " + message, newLine: true);
    public override void WriteVerboseLine(string message) => Out("VERBOSE: " + message, newLine: true);
    public override void WriteWarningLine(string message) => Out("WARNING: " + message, newLine: true);

    public override void WriteProgress(long sourceId, ProgressRecord record)
    {
        // Redirected output (CI logs) gets one line per change instead of a redrawn bar.
        string line = $"[{record.Activity}] {record.StatusDescription}" +
            (record.PercentComplete >= 0 ? $" {record.PercentComplete}%" : string.Empty);
        if (record.RecordType == ProgressRecordType.Completed)
        {
            line = $"[{record.Activity}] done";
        }

        if (Console.IsOutputRedirected)
        {
            Console.WriteLine(line);
            return;
        }

        Console.Write("\r" + line.PadRight(Math.Max(1, Console.WindowWidth - 1)));
        _progressShown = record.RecordType != ProgressRecordType.Completed;
        if (!_progressShown)
        {
            Console.WriteLine();
        }
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) =>
        throw new PSInvalidOperationException("The script host runs unattended and cannot prompt.");

    public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice) =>
        throw new PSInvalidOperationException("The script host runs unattended and cannot prompt.");

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        throw new PSInvalidOperationException("The script host runs unattended and cannot prompt.");

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
        throw new PSInvalidOperationException("The script host runs unattended and cannot prompt.");

    public override string ReadLine() => throw new PSInvalidOperationException("The script host runs unattended and cannot read input.");

    public override SecureString ReadLineAsSecureString() => throw new PSInvalidOperationException("The script host runs unattended and cannot read input.");

    private void Out(string value, bool newLine, bool error = false)
    {
        if (_progressShown)
        {
            Console.WriteLine();
            _progressShown = false;
        }

        if (Console.IsOutputRedirected)
        {
            // pwsh's console host strips styling when output is redirected; so does this one, for readable logs.
            value = AnsiEscape.Replace(value, string.Empty);
        }

        TextWriter writer = error ? Console.Error : Console.Out;
        if (newLine)
        {
            writer.WriteLine(value);
        }
        else
        {
            writer.Write(value);
        }
    }
}

internal sealed class ConsoleRawUserInterface : PSHostRawUserInterface
{
    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
    public override Size BufferSize { get => new(Width, 9999); set { } }
    public override Coordinates CursorPosition { get; set; }
    public override int CursorSize { get; set; }
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
    public override bool KeyAvailable => false;
    public override Size MaxPhysicalWindowSize => new(Width, 100);
    public override Size MaxWindowSize => new(Width, 100);
    public override Coordinates WindowPosition { get; set; }
    public override Size WindowSize { get => new(Width, 50); set { } }
    public override string WindowTitle { get; set; } = "CommsInvite";

    // Tables are formatted to this width; a wide fixed width keeps CI logs readable.
    private static int Width => Console.IsOutputRedirected ? 160 : Math.Max(80, Console.WindowWidth);

    public override void FlushInputBuffer() { }
    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();
    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) => throw new NotSupportedException();
    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) => throw new NotSupportedException();
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) => throw new NotSupportedException();
}
