using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core;
using CommsInvite.Core.Notifications;

namespace CommsInvite.Commands;

/// <summary>
/// ConvertFrom-CsGraphNotification: turns a commsNotifications body (what Graph POSTs to a call's callbackUri)
/// into typed objects: OperationNotification, RosterNotification, CallNotification, and GenericNotification for
/// resource kinds the module does not model. Strings piped in one line at a time (Get-Content) are joined into
/// one body, as ConvertFrom-Json does; a body that does not parse is a non-terminating InvalidNotificationBody
/// error and the next body is still read. An entry that cannot be understood is an InvalidNotification (with its
/// Reason, and a warning) among the body's other notifications.
/// </summary>
[Cmdlet(VerbsData.ConvertFrom, "CsGraphNotification", DefaultParameterSetName = BodySet)]
[OutputType(typeof(OperationNotification), typeof(RosterNotification), typeof(CallNotification), typeof(GenericNotification), typeof(InvalidNotification))]
public sealed class ConvertFromCsGraphNotificationCommand : AsyncCmdlet
{
    private const string BodySet = "Body";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private readonly List<string> _bodyLines = new();
    private readonly List<string> _resolvedPaths = new();

    /// <summary>The JSON body, whole or one line per pipeline input.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = BodySet, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string? InputObject { get; set; }

    /// <summary>Files holding one body each; wildcards allowed.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Files holding one body each, taken literally (binds PSPath from Get-ChildItem).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        // Paths are resolved here, on the pipeline thread: the session state is not safe to use from the worker task.
        _resolvedPaths.Clear();
        if (ParameterSetName == PathSet)
        {
            foreach (var path in Path)
            {
                ResolvePath(path, literal: false);
            }
        }
        else if (ParameterSetName == LiteralPathSet)
        {
            foreach (var path in LiteralPath)
            {
                ResolvePath(path, literal: true);
            }
        }

        base.ProcessRecord();
    }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        if (ParameterSetName == BodySet)
        {
            _bodyLines.Add(InputObject ?? string.Empty);
            return;
        }

        foreach (var path in _resolvedPaths)
        {
            NotificationParseResult result;
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
                result = await CommsNotificationParser.ParseAsync(stream, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                QueueError(ErrorRecords.Create(CommandErrorIds.Notifications.NotificationFileNotFound, ErrorCategory.ObjectNotFound, $"Cannot find {path}.", path, ex));
                continue;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                QueueError(ErrorRecords.Create(CommandErrorIds.Notifications.NotificationFileUnreadable, ErrorCategory.ReadError, $"Cannot read {path}: {ex.Message}", path, ex));
                continue;
            }

            Emit(result, path, $"The file {path}");
        }
    }

    protected override Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        if (ParameterSetName != BodySet || _bodyLines.Count == 0)
        {
            return Task.CompletedTask;
        }

        if (_bodyLines.Count == 1)
        {
            Emit(CommsNotificationParser.Parse(_bodyLines[0]), _bodyLines[0], "The body");
            return Task.CompletedTask;
        }

        // Several strings: either several whole bodies (each parses alone) or the lines of one body (Get-Content).
        // The first string decides, as ConvertFrom-Json decides.
        var first = CommsNotificationParser.Parse(_bodyLines[0]);
        if (first.Success)
        {
            for (var i = 0; i < _bodyLines.Count; i++)
            {
                Emit(i == 0 ? first : CommsNotificationParser.Parse(_bodyLines[i]), _bodyLines[i], $"Body {i + 1}");
            }
        }
        else
        {
            var joined = string.Join("\n", _bodyLines);
            Emit(CommsNotificationParser.Parse(joined), joined, "The body");
        }

        return Task.CompletedTask;
    }

    private void Emit(NotificationParseResult result, object target, string what)
    {
        if (!result.Success)
        {
            var message = $"{what} is not a commsNotifications body: {result.Error}";
            QueueError(new CommsInviteException(result.ErrorId ?? ErrorIds.Notifications.InvalidNotificationBody, FailureCategory.InvalidData, message, target));
            return;
        }

        foreach (var notification in result.Notifications)
        {
            if (notification is InvalidNotification invalid)
            {
                QueueWarning($"{what}: entry {invalid.Index} was not understood: {invalid.Reason}");
            }
        }

        QueueObject(result.Notifications, enumerateCollection: true);
    }

    private void ResolvePath(string path, bool literal)
    {
        try
        {
            if (literal)
            {
                _resolvedPaths.Add(SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));
                return;
            }

            _resolvedPaths.AddRange(GetResolvedProviderPathFromPSPath(path, out _));
        }
        catch (Exception ex) when (ex is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException or PSArgumentException)
        {
            WriteError(ErrorRecords.Create(CommandErrorIds.Notifications.NotificationFileNotFound, ErrorCategory.ObjectNotFound, $"Cannot find {path}: {ex.Message}", path, ex));
        }
    }
}
