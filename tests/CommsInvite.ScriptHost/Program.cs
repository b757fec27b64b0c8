using System.Management.Automation;
using System.Management.Automation.Runspaces;
using CommsInvite.Emulator;
using CommsInvite.ScriptHost;

// Usage: dotnet run --project tests/CommsInvite.ScriptHost -- SCRIPT.ps1 [--connection-file PATH] [--answer-delay-ms N]
// Without --connection-file an emulator is started in this process on a free port; the script gets
// the connection file's path as -EmulatorConnectionFile.
string? script = null;
string? connectionFile = null;
int answerDelayMs = 500;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--connection-file" when i + 1 < args.Length: connectionFile = args[++i]; break;
        case "--answer-delay-ms" when i + 1 < args.Length: answerDelayMs = int.Parse(args[++i]); break;
        default: script ??= args[i]; break;
    }
}

if (script is null || !File.Exists(script))
{
    Console.Error.WriteLine("usage: CommsInvite.ScriptHost SCRIPT.ps1 [--connection-file PATH] [--answer-delay-ms N]");
    return 2;
}

string manifest = ModuleLocator.FindBuiltManifest();
EmulatorServer? emulator = null;
if (connectionFile is null)
{
    emulator = await EmulatorServer.StartAsync(new EmulatorOptions { AnswerDelay = TimeSpan.FromMilliseconds(answerDelayMs) });
    connectionFile = emulator.ConnectionFilePath;
    Console.WriteLine($"Emulator: {emulator.BaseUri} (connection file {connectionFile})");
}

try
{
    var host = new ConsoleHost();
    var iss = InitialSessionState.CreateDefault2();
    if (OperatingSystem.IsWindows())
    {
        iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
    }
    using Runspace runspace = RunspaceFactory.CreateRunspace(host, iss);
    runspace.Open();
    using PowerShell ps = PowerShell.Create(runspace);
    ps.AddCommand("Import-Module").AddParameter("Name", manifest).AddParameter("ErrorAction", "Stop");
    ps.Invoke();
    ps.Commands.Clear();
    if (Console.IsOutputRedirected)
    {
        // Logs and CI capture plain text; escape sequences would only be noise there.
        ps.AddScript("$PSStyle.OutputRendering = 'PlainText'").Invoke();
        ps.Commands.Clear();
    }

    // Run the script like `& SCRIPT -EmulatorConnectionFile PATH | Out-Default`, so the user sees what pwsh shows.
    ps.AddCommand(Path.GetFullPath(script)).AddParameter("EmulatorConnectionFile", connectionFile);
    ps.AddCommand("Out-Default");
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; ps.BeginStop(null, null); };
    ps.Invoke();
    // HadErrors also counts errors the script chose to silence (-ErrorAction SilentlyContinue); only the
    // errors that reached the error stream make the run fail.
    bool failed = ps.Streams.Error.Count > 0;
    foreach (ErrorRecord error in ps.Streams.Error)
    {
        Console.Error.WriteLine($"ERROR [{error.FullyQualifiedErrorId}] ({error.CategoryInfo.Category}): {error}");
    }

    return failed ? 1 : host.ExitCode;
}
catch (RuntimeException ex)
{
    Console.Error.WriteLine($"ERROR [{ex.ErrorRecord?.FullyQualifiedErrorId}]: {ex.Message}");
    return 1;
}
finally
{
    if (emulator is not null)
    {
        await emulator.DisposeAsync();
    }
}
