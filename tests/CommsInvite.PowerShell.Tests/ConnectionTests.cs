using System.Management.Automation;
using System.Runtime.Loader;
using CommsInvite.Emulator;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class ConnectionTests
{
    private readonly EmulatorFixture _emulator;

    public ConnectionTests(EmulatorFixture emulator) => _emulator = emulator;

    [Fact]
    public void Connect_WithTheConnectionFilesSecret_ContextShowsRolesButNoSecret()
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        var result = session.Run(
            "Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $args[0] -Verbose -PassThru -ErrorAction Stop; Get-CsGraphContext",
            _emulator.ConnectionFile).ThrowOnError();

        Assert.Equal(2, result.Output.Count);
        var context = result.Output[1];
        Assert.Equal("ClientSecret", context.Properties["AuthType"].Value?.ToString());
        Assert.Equal("Emulator", context.Properties["Environment"].Value?.ToString());
        Assert.Equal(EmulatorDefaults.ClientId, context.Properties["ClientId"].Value?.ToString());
        Assert.Equal(_emulator.Server.State.TenantId, context.Properties["TenantId"].Value?.ToString());
        Assert.Contains("Calls.InitiateGroupCall.All", (IEnumerable<string>)context.Properties["Roles"].Value!);
        Assert.NotEmpty(result.Verbose);

        var everything = result.AllText() + session.Run("(Get-CsGraphContext).PSObject.Properties | ForEach-Object { \"$($_.Name)=$($_.Value)\" }").ThrowOnError().AllText();
        Assert.DoesNotContain(EmulatorDefaults.ClientSecret, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", everything, StringComparison.Ordinal);
    }

    [Fact]
    public void Connect_WithACertificateFile_AuthenticatesWithAnAssertion()
    {
        using var session = new PowerShellSession();
        session.ImportModule();
        var connection = _emulator.Server.Connection;
        session.SetVariable("password", EmulatorFixture.Secure(connection.ClientCertificatePassword));

        var result = session.Run(
            "Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $args[0] -TenantId $args[1] -ClientId $args[2] -CertificatePath $args[3] -CertificatePassword $password -PassThru -ErrorAction Stop",
            _emulator.ConnectionFile, connection.TenantId, connection.ClientId, connection.ClientCertificatePath).ThrowOnError();

        var context = Assert.Single(result.Output);
        Assert.Equal("Certificate", context.Properties["AuthType"].Value?.ToString());
        Assert.Equal(connection.ClientCertificateThumbprint, context.Properties["CertificateThumbprint"].Value?.ToString(), ignoreCase: true);
        Assert.DoesNotContain(connection.ClientCertificatePassword, result.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Connect_WithAWrongCertificatePassword_FailsWithoutShowingIt()
    {
        using var session = new PowerShellSession();
        session.ImportModule();
        var connection = _emulator.Server.Connection;
        session.SetVariable("password", EmulatorFixture.Secure("Wrong-Password-123"));

        var result = session.Run(
            "Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $args[0] -TenantId $args[1] -ClientId $args[2] -CertificatePath $args[3] -CertificatePassword $password",
            _emulator.ConnectionFile, connection.TenantId, connection.ClientId, connection.ClientCertificatePath);

        var error = Assert.Single(result.AllErrors);
        Assert.Equal("CertificateInvalid,CommsInvite.Commands.ConnectCsGraphCommand", error.FullyQualifiedErrorId);
        Assert.DoesNotContain("Wrong-Password-123", result.AllText(), StringComparison.Ordinal);
        Assert.Empty(session.Run("Get-CsGraphContext").Output);
    }

    [Fact]
    public void Connect_WithManagedIdentity_UsesTheEmulatorsIdentityEndpoint()
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        var result = session.Run(
            "Connect-CsGraph -ManagedIdentity -Environment Emulator -EmulatorConnectionFile $args[0] -PassThru -ErrorAction Stop",
            _emulator.ConnectionFile).ThrowOnError();

        var context = Assert.Single(result.Output);
        Assert.Equal("ManagedIdentity", context.Properties["AuthType"].Value?.ToString());
        Assert.Contains("Calls.InitiateGroupCall.All", (IEnumerable<string>)context.Properties["Roles"].Value!);
    }

    [Fact]
    public void Connect_WithAMissingConnectionFile_FailsWithItsErrorId()
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        var result = session.Run("Connect-CsGraph -Environment Emulator -EmulatorConnectionFile ./no-such-file.json");

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("EmulatorConnectionFileInvalid,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Fact]
    public void Connect_WithAnUnknownEnvironment_IsRefusedBeforeAnyRequest()
    {
        using var session = new PowerShellSession();
        session.ImportModule();
        session.SetVariable("secret", EmulatorFixture.Secure("x"));

        var result = session.Run("Connect-CsGraph -Environment Mars -TenantId contoso.onmicrosoft.com -ClientId 8f3c0a2e-5b7d-4e1a-9c6f-2d4b8e0a1c37 -ClientSecret $secret");

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("InvalidArgument,", error.FullyQualifiedErrorId);
        Assert.Contains("Mars", error.ToString());
    }

    [Fact]
    public void WithoutAConnection_SessionCmdletsSayNotConnected()
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        foreach (var script in new[]
        {
            "Invoke-CsGraphParticipantInvite -CallId 57dab8b1-894c-409a-b240-bd8beae78896 -UserId 278405a3-f568-4b3e-b684-009193463064",
            "Get-CsGraphCall",
            "Get-CsGraphCallParticipant -CallId 57dab8b1-894c-409a-b240-bd8beae78896",
            "New-CsGraphCall -CallbackUri https://bot.contoso.com/callback",
        })
        {
            var result = session.Run(script);
            var error = Assert.Single(result.AllErrors);
            Assert.StartsWith("NotConnected,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
            Assert.Contains("Connect-CsGraph", error.ErrorDetails?.RecommendedAction ?? string.Empty);
        }

        Assert.Empty(session.Run("Get-CsGraphContext").Output);
    }

    [Fact]
    public void Disconnect_ForgetsTheConnection_AndOtherRunspacesKeepTheirs()
    {
        using var first = _emulator.ConnectedSession();
        using var second = _emulator.ConnectedSession();

        first.Run("Disconnect-CsGraph").ThrowOnError();

        Assert.Empty(first.Run("Get-CsGraphContext").Output);
        Assert.StartsWith("NotConnected,", Assert.Single(first.Run("Get-CsGraphCall").AllErrors).FullyQualifiedErrorId);
        Assert.Single(second.Run("Get-CsGraphContext").ThrowOnError().Output);
    }

    [Fact]
    public void AfterConnecting_TheModulesMsalIsInItsOwnContext_NotTheDefaultOne()
    {
        using var session = _emulator.ConnectedSession();

        var moduleContext = ModuleLoadContext(session);
        var msal = Assert.Single(moduleContext.Assemblies, a => a.GetName().Name == "Microsoft.Identity.Client");
        Assert.True(msal.GetName().Version >= new Version(4, 92), "the module's own MSAL, not the host's: " + msal.GetName().Version);
        Assert.Contains(moduleContext.Assemblies, a => a.GetName().Name == "CommsInvite.Core");
        Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == "CommsInvite.Core");
    }

    [Fact]
    public void AnOlderMsalInTheDefaultContext_DoesNotStopCertificateConnectAndInvite()
    {
        // What another module (Az.Accounts, MicrosoftTeams...) does first: load its own, older MSAL.
        var older = System.Reflection.Assembly.Load(new System.Reflection.AssemblyName("Microsoft.Identity.Client"));
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(older));
        Assert.True(older.GetName().Version < new Version(4, 92), "the host's MSAL should be the older one: " + older.GetName().Version);
        _ = older.GetType("Microsoft.Identity.Client.ConfidentialClientApplicationBuilder", throwOnError: true);

        using var session = new PowerShellSession();
        session.ImportModule();
        var connection = _emulator.Server.Connection;
        session.SetVariable("password", EmulatorFixture.Secure(connection.ClientCertificatePassword));
        session.SetVariable("callbackUri", _emulator.CallbackUri);

        var result = session.Run(@"
            Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $args[0] -TenantId $args[1] -ClientId $args[2] -CertificatePath $args[3] -CertificatePassword $password -ErrorAction Stop
            $call = New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_isolation@thread.v2' -ErrorAction Stop
            Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $args[4] -Wait -PollInterval 0.2 -Timeout 30 -ErrorAction Stop",
            _emulator.ConnectionFile, connection.TenantId, connection.ClientId, connection.ClientCertificatePath, EmulatorDefaults.SeedUserIds[2]).ThrowOnError();

        Assert.Equal("Completed", Assert.Single(result.Output).Properties["Status"].Value!.ToString());
        var ours = Assert.Single(ModuleLoadContext(session).Assemblies, a => a.GetName().Name == "Microsoft.Identity.Client");
        Assert.NotEqual(older.GetName().Version, ours.GetName().Version);
    }

    private static AssemblyLoadContext ModuleLoadContext(PowerShellSession session)
    {
        var assembly = (System.Reflection.Assembly)session.Run("(Get-Command Connect-CsGraph).ImplementingType.Assembly").ThrowOnError().Output.Single().BaseObject;
        var context = AssemblyLoadContext.GetLoadContext(assembly)!;
        Assert.NotSame(AssemblyLoadContext.Default, context);
        return context;
    }
}
