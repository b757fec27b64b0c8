using System.Globalization;
using System.Runtime.InteropServices;
using CommsInvite.Emulator;

// The command line is a fixed interface that other tools rely on (docs/emulator.md):
//   --port N  --connection-file PATH  --answer-delay-ms N  --replication-delay-ms N  --tenant-id GUID
var options = new EmulatorOptions { ReuseProcessKeys = false, ConnectionFilePath = Path.Combine(Directory.GetCurrentDirectory(), "emulator.json") };
for (var i = 0; i < args.Length; i++)
{
    string Value()
    {
        if (i + 1 >= args.Length) throw new ArgumentException($"Option {args[i]} needs a value.");
        return args[++i];
    }

    int NonNegative(string option)
    {
        var text = Value();
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            throw new ArgumentException($"Option {option} needs a non-negative integer, got '{text}'.");
        return n;
    }

    try
    {
        switch (args[i])
        {
            case "--port": options.Port = NonNegative("--port"); if (options.Port > 65535) throw new ArgumentException("--port must be 0..65535."); break;
            case "--connection-file": options.ConnectionFilePath = Value(); break;
            case "--answer-delay-ms": options.AnswerDelay = TimeSpan.FromMilliseconds(NonNegative("--answer-delay-ms")); break;
            case "--replication-delay-ms": options.ReplicationDelay = TimeSpan.FromMilliseconds(NonNegative("--replication-delay-ms")); break;
            case "--tenant-id":
                var tenant = Value();
                if (!Guid.TryParse(tenant, out _)) throw new ArgumentException($"--tenant-id needs a GUID, got '{tenant}'.");
                options.TenantId = tenant;
                break;
            case "-h" or "--help" or "-?":
                Console.WriteLine("CommsInvite.Emulator [--port N] [--connection-file PATH] [--answer-delay-ms N] [--replication-delay-ms N] [--tenant-id GUID]");
                return 0;
            default: throw new ArgumentException($"Unknown option '{args[i]}'.");
        }
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine(e.Message);
        Console.Error.WriteLine("Usage: CommsInvite.Emulator [--port N] [--connection-file PATH] [--answer-delay-ms N] [--replication-delay-ms N] [--tenant-id GUID]");
        return 2;
    }
}

var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
PosixSignalRegistration? sigterm = null;
try { sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); }); }
catch (PlatformNotSupportedException) { /* Ctrl+C still stops it */ }

EmulatorServer server;
try
{
    server = await EmulatorServer.StartAsync(options);
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    // A port in use, or a connection file path that cannot be written.
    Console.Error.WriteLine($"CommsInvite.Emulator could not start: {e.Message}");
    return 1;
}

await using (server)
using (sigterm)
{
    Console.WriteLine($"Connection file: {server.ConnectionFilePath}");
    Console.WriteLine($"Listening on {server.BaseUri.GetLeftPart(UriPartial.Authority)}");
    await stop.Task;
}
return 0;
