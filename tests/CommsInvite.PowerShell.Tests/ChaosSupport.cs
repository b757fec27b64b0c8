using System.Management.Automation;
using CommsInvite.Emulator;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>
/// An emulator of its own for the resilience tests: they change fault rules and settings emulator-wide and count
/// requests, duplicates and faults from zero, so they must not share the collection emulator with other tests.
/// </summary>
public sealed class ChaosEmulatorFixture : IAsyncLifetime
{
    private EmulatorServer? _server;

    public EmulatorServer Server => _server ?? throw new InvalidOperationException("The emulator has not started.");

    public string ConnectionFile => Server.ConnectionFilePath;

    /// <summary>Nobody listens there; notification delivery failures are counted, never fatal.</summary>
    public string CallbackUri => "http://127.0.0.1:9/callback";

    public async Task InitializeAsync()
    {
        // A short answer delay keeps 200 invites per fault mix within seconds on a 2-core machine.
        _server = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, AnswerDelay = TimeSpan.FromMilliseconds(40) });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A session connected with the connection file's secret and the given extra Connect-CsGraph parameters.</summary>
    public PowerShellSession ConnectedSession(string connectParameters = "")
    {
        var session = new PowerShellSession();
        session.ImportModule();
        session.Run($"Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $args[0] {connectParameters} -ErrorAction Stop", ConnectionFile).ThrowOnError();
        session.SetVariable("callbackUri", CallbackUri);
        return session;
    }

    /// <summary>Requests that reached identity or Graph routes (the admin routes the tests use are left out).</summary>
    public long ServiceRequests() => CountServiceRequests(Server);

    public static long CountServiceRequests(EmulatorServer server) =>
        server.State.Stats.RequestsPerRoute.Where(r => !r.Key.Contains("/_emulator", StringComparison.Ordinal)).Sum(r => r.Value);
}

/// <summary>What the cmdlets' connection counted (retries, roster recoveries, forced token refreshes).</summary>
public sealed record ClientCounters(long Requests, long Attempts, long Retries, long AmbiguousFailures, long ForcedTokenRefreshes)
{
    /// <summary>
    /// Reads the runspace connection's request statistics. No cmdlet shows them, so the test reaches them through
    /// the module's own (public) session store, in the module's load context.
    /// </summary>
    public static ClientCounters Read(PowerShellSession session)
    {
        var stats = session.Run(@"
            $store = (Get-Command Connect-CsGraph).ImplementingType.Assembly.GetType('CommsInvite.Commands.Infrastructure.SessionStore', $true)
            $store::Get([System.Management.Automation.Runspaces.Runspace]::DefaultRunspace).Connection.Statistics").ThrowOnError().Output.Single();
        long Value(string name) => Convert.ToInt64(stats.Properties[name].Value, System.Globalization.CultureInfo.InvariantCulture);
        return new ClientCounters(Value("Requests"), Value("Attempts"), Value("Retries"), Value("AmbiguousFailures"), Value("ForcedTokenRefreshes"));
    }

    public ClientCounters Minus(ClientCounters before) =>
        new(Requests - before.Requests, Attempts - before.Attempts, Retries - before.Retries, AmbiguousFailures - before.AmbiguousFailures, ForcedTokenRefreshes - before.ForcedTokenRefreshes);
}

/// <summary>Finds a string anywhere a PowerShell user or a log could see it.</summary>
public static class LeakScanner
{
    /// <summary>Every text a script produced: objects (with their properties, two levels deep), every stream, errors with their whole exception chain, details and targets.</summary>
    public static string Everything(ScriptResult result)
    {
        var parts = new List<string> { result.AllText() };
        foreach (var output in result.Output)
        {
            AddObject(parts, output, 0);
        }

        foreach (var error in result.AllErrors)
        {
            AddError(parts, error);
        }

        if (result.Terminating is { } terminating)
        {
            AddException(parts, terminating);
        }

        foreach (var progress in result.Progress)
        {
            parts.Add($"{progress.Activity} {progress.StatusDescription} {progress.CurrentOperation}");
        }

        foreach (var information in result.Information)
        {
            parts.Add(information.MessageData?.ToString() ?? string.Empty);
            parts.Add(string.Join(" ", information.Tags));
            parts.Add(information.Source ?? string.Empty);
        }

        return string.Join("\n", parts);
    }

    public static void AddError(List<string> parts, ErrorRecord error)
    {
        parts.Add(error.ToString());
        parts.Add(error.FullyQualifiedErrorId);
        parts.Add(error.CategoryInfo.ToString());
        parts.Add(error.ErrorDetails?.Message ?? string.Empty);
        parts.Add(error.ErrorDetails?.RecommendedAction ?? string.Empty);
        parts.Add(error.ScriptStackTrace ?? string.Empty);
        AddObject(parts, error.TargetObject, 0);
        AddException(parts, error.Exception);
    }

    public static void AddException(List<string> parts, Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            parts.Add(current.GetType().FullName + ": " + current.Message);
            parts.Add(current.ToString());
            foreach (System.Collections.DictionaryEntry entry in current.Data)
            {
                parts.Add($"{entry.Key}={entry.Value}");
            }

            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    AddException(parts, inner);
                }
            }

            if (current is IContainsErrorRecord withRecord && withRecord.ErrorRecord is { } record && !ReferenceEquals(record.Exception, current))
            {
                AddError(parts, record);
            }

            // Properties of the module's own exception types (GraphCode, RequestId, TargetObject...).
            foreach (var property in current.GetType().GetProperties())
            {
                if (property.GetIndexParameters().Length > 0 || property.Name is "InnerException" or "StackTrace" or "TargetSite" or "ErrorRecord")
                {
                    continue;
                }

                try
                {
                    parts.Add(property.Name + "=" + property.GetValue(current));
                }
                catch (Exception)
                {
                    // A property that throws shows nothing.
                }
            }
        }
    }

    public static void AddObject(List<string> parts, object? value, int depth)
    {
        if (value is null || depth > 2)
        {
            return;
        }

        var psObject = value as PSObject ?? PSObject.AsPSObject(value);
        parts.Add(psObject.ToString());
        if (psObject.BaseObject is string or ValueType)
        {
            return;
        }

        if (psObject.BaseObject is System.Collections.IEnumerable sequence and not System.Collections.IDictionary)
        {
            foreach (var item in sequence.Cast<object?>().Take(50))
            {
                AddObject(parts, item, depth + 1);
            }

            return;
        }

        foreach (var property in psObject.Properties)
        {
            object? propertyValue;
            try
            {
                propertyValue = property.Value;
            }
            catch (Exception ex) when (ex is GetValueException or ExtendedTypeSystemException)
            {
                continue;
            }

            parts.Add(property.Name + "=" + propertyValue);
            AddObject(parts, propertyValue, depth + 1);
        }
    }

    /// <summary>Files under <paramref name="folder"/> whose bytes hold <paramref name="secret"/> as UTF-8 or UTF-16.</summary>
    public static IReadOnlyList<string> FilesContaining(string folder, string secret)
    {
        if (!Directory.Exists(folder))
        {
            return Array.Empty<string>();
        }

        var utf8 = System.Text.Encoding.UTF8.GetBytes(secret);
        var utf16 = System.Text.Encoding.Unicode.GetBytes(secret);
        var hits = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                // Empty entries hold nothing, and a FIFO would block the read.
                if (new FileInfo(file).Length == 0)
                {
                    continue;
                }

                bytes = File.ReadAllBytes(file);
            }
            catch (IOException)
            {
                continue;
            }

            if (bytes.AsSpan().IndexOf(utf8) >= 0 || bytes.AsSpan().IndexOf(utf16) >= 0)
            {
                hits.Add(file);
            }
        }

        return hits;
    }

    /// <summary>Anything shaped like a JWT (access tokens and notification tokens are JWTs: base64url JSON header "eyJ...").</summary>
    public static IReadOnlyList<string> JwtLike(string text) =>
        System.Text.RegularExpressions.Regex.Matches(text, @"eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}").Select(m => m.Value).ToList();
}
