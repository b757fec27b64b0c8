using System.Management.Automation;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>
/// Against Microsoft 365 (no emulator session) the application-instance cmdlets run the MicrosoftTeams module's
/// own cmdlets. This machine has no MicrosoftTeams, so one test checks the error that says how to get it, and the
/// others load a stand-in module named MicrosoftTeams whose functions behave like the real ones (including a
/// sync that fails while the account replicates).
/// </summary>
public sealed class ProvisioningMicrosoftTeamsTests : IDisposable
{
    private const string AppId = "0b6f2a7e-3c1d-4e5f-8a9b-1c2d3e4f5a6b";

    // The stand-in fails as MicrosoftTeams' AutoRest-generated cmdlets are observed to: a RestException with a public
    // StatusCode, category InvalidOperation, the HTTP status name as the error id. Its messages are German unless the
    // test switches them (Set-StandInLanguage en), so a decision made on English text would fail here.
    private const string StandIn = """
        class RestException : System.Exception {
            [System.Net.HttpStatusCode] $StatusCode
            RestException([string] $message, [System.Net.HttpStatusCode] $status) : base($message) { $this.StatusCode = $status }
        }

        $script:instances = [ordered]@{}
        $script:creates = 0
        $script:syncs = 0
        $script:language = 'de'
        $script:syncFailure = $null
        $script:messages = @{
            de = @{ NotFound = "Die Anwendungsinstanz '{0}' wurde nicht gefunden."; Replicating = 'Das Objekt {0} ist noch nicht repliziert.'
                    Conflict = 'Ein Element mit dem gleichen Schlüssel wurde bereits hinzugefügt.'; Forbidden = 'Zugriff verweigert: {0} nicht gefunden.' }
            en = @{ NotFound = "Application instance '{0}' was not found."; Replicating = 'Object {0} does not exist yet: it has not replicated; try again later.'
                    Conflict = 'An item with the same key has already been added.'; Forbidden = 'Access denied: {0} not found.' }
        }

        function Set-StandInLanguage([string] $Language) { $script:language = $Language }

        # Which failure every later Sync raises: Conflict, Forbidden or $null (the first Sync fails as not replicated).
        function Set-StandInSyncFailure([string] $Failure) { $script:syncFailure = $Failure }

        function Write-TeamsError($Cmdlet, [string] $Message, [System.Net.HttpStatusCode] $Status, $Target) {
            $exception = [RestException]::new($Message, $Status)
            $Cmdlet.WriteError([System.Management.Automation.ErrorRecord]::new($exception, "$Status", 'InvalidOperation', $Target))
        }

        function New-CsOnlineApplicationInstance {
            [CmdletBinding()]
            param([string] $UserPrincipalName, [string] $ApplicationId, [string] $DisplayName)
            $script:creates++
            $instance = [pscustomobject]@{
                ObjectId = [guid]::NewGuid(); TenantId = [guid]::Empty; UserPrincipalName = $UserPrincipalName
                ApplicationId = [guid] $ApplicationId; DisplayName = $DisplayName; PhoneNumber = $null
            }
            $script:instances[$UserPrincipalName] = $instance
            $instance
        }

        function Get-CsOnlineApplicationInstance {
            [CmdletBinding()]
            param([string] $Identity)
            if (-not $Identity) { return $script:instances.Values }
            foreach ($instance in $script:instances.Values) {
                if ($instance.UserPrincipalName -eq $Identity -or "$($instance.ObjectId)" -eq $Identity) { return $instance }
            }
            Write-TeamsError $PSCmdlet ($script:messages[$script:language].NotFound -f $Identity) NotFound $Identity
        }

        function Sync-CsOnlineApplicationInstance {
            [CmdletBinding()]
            param([string] $ObjectId, [string] $ApplicationId, [switch] $Force)
            $script:syncs++
            $text = $script:messages[$script:language]
            switch ($script:syncFailure) {
                'Conflict' { return Write-TeamsError $PSCmdlet $text.Conflict Conflict $ObjectId }
                'Forbidden' { return Write-TeamsError $PSCmdlet ($text.Forbidden -f $ObjectId) Forbidden $ObjectId }
            }
            if ($script:syncs -eq 1) { Write-TeamsError $PSCmdlet ($text.Replicating -f $ObjectId) NotFound $ObjectId }
        }

        function Set-CsOnlineApplicationInstance {
            [CmdletBinding()]
            param([string] $Identity, [string] $DisplayName, [string] $ApplicationId)
            $instance = Get-CsOnlineApplicationInstance -Identity $Identity
            if ($DisplayName) { $instance.DisplayName = $DisplayName }
            $instance
        }

        function Get-StandInCounters { [pscustomobject]@{ Creates = $script:creates; Syncs = $script:syncs } }
        """;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "CommsInvite.TeamsStandIn." + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private PowerShellSession SessionWithStandIn()
    {
        var moduleFolder = Path.Combine(_folder, "MicrosoftTeams");
        Directory.CreateDirectory(moduleFolder);
        var path = Path.Combine(moduleFolder, "MicrosoftTeams.psm1");
        File.WriteAllText(path, StandIn);
        var session = new PowerShellSession();
        session.ImportModule();
        session.Run("Import-Module -Name $args[0] -ErrorAction Stop", path).ThrowOnError();
        return session;
    }

    [Fact]
    public void WithoutEmulatorOrMicrosoftTeams_SaysHowToGetMicrosoftTeams()
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        var result = session.Run("New-CsOnlineApplicationInstance -UserPrincipalName bot@contoso.com -DisplayName Bot -ApplicationId $args[0]", AppId);

        var error = Assert.Single(result.AllErrors);
        Assert.Equal("MicrosoftTeamsModuleRequired,CommsInvite.Commands.NewCsOnlineApplicationInstanceCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.NotInstalled, error.CategoryInfo.Category);
        Assert.Contains("Install-Module MicrosoftTeams; Connect-MicrosoftTeams", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void WithoutEmulator_BadInput_IsRejectedFirst()
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        var result = session.Run("New-CsOnlineApplicationInstance -UserPrincipalName 'not a upn' -DisplayName Bot -ApplicationId $args[0]", AppId);

        var error = Assert.Single(result.AllErrors);
        Assert.Equal("InvalidUserPrincipalName,CommsInvite.Commands.NewCsOnlineApplicationInstanceCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Theory]
    [InlineData("de")]
    [InlineData("en")]
    public void WithMicrosoftTeams_NewThenSync_DelegatesRetriesAndMapsTheInstance(string language)
    {
        using var session = SessionWithStandIn();
        session.Run("Set-StandInLanguage $args[0]", language).ThrowOnError();

        var result = session.Run(
            """
            CommsInvite\New-CsOnlineApplicationInstance -UserPrincipalName bot@contoso.com -DisplayName Bot -ApplicationId $args[0] |
                CommsInvite\Sync-CsOnlineApplicationInstance -PassThru
            Get-StandInCounters
            """,
            AppId).ThrowOnError();

        Assert.Equal(2, result.Output.Count);
        var instance = result.Output[0];
        Assert.Equal("CommsInvite.Core.Provisioning.ApplicationInstance", instance.BaseObject.GetType().FullName);
        Assert.Equal("bot@contoso.com", instance.Properties["UserPrincipalName"].Value);
        Assert.Equal(AppId, instance.Properties["ApplicationId"].Value);
        Assert.True(Guid.TryParse(instance.Properties["ObjectId"].Value?.ToString(), out _));
        Assert.Equal(1, result.Output[1].Properties["Creates"].Value);
        Assert.Equal(2, result.Output[1].Properties["Syncs"].Value);
        Assert.Contains(result.Progress, p => p.Activity.StartsWith("Sync-CsOnlineApplicationInstance", StringComparison.Ordinal));
    }

    [Fact]
    public void WithMicrosoftTeams_ReRunningNew_ReusesTheInstance_AndAnotherAppsUpnIsTaken()
    {
        using var session = SessionWithStandIn();
        session.Run("CommsInvite\\New-CsOnlineApplicationInstance -UserPrincipalName bot@contoso.com -DisplayName Bot -ApplicationId $args[0]", AppId).ThrowOnError();

        var again = session.Run("CommsInvite\\New-CsOnlineApplicationInstance -UserPrincipalName bot@contoso.com -DisplayName Bot -ApplicationId $args[0] -Verbose; (Get-StandInCounters).Creates", AppId).ThrowOnError();
        var taken = session.Run("CommsInvite\\New-CsOnlineApplicationInstance -UserPrincipalName bot@contoso.com -DisplayName Bot -ApplicationId $args[0]", Guid.NewGuid().ToString());

        Assert.Equal(1, again.Output[^1].BaseObject);
        Assert.Contains(again.Verbose, v => v.Contains("already exists", StringComparison.Ordinal));
        Assert.Equal("UserPrincipalNameTaken,CommsInvite.Commands.NewCsOnlineApplicationInstanceCommand", Assert.Single(taken.AllErrors).FullyQualifiedErrorId);
    }

    [Theory]
    [InlineData("de")]
    [InlineData("en")]
    public void WithMicrosoftTeams_GetUnknownIdentity_IsApplicationInstanceNotFound_AsOnTheEmulator(string language)
    {
        using var session = SessionWithStandIn();
        session.Run("Set-StandInLanguage $args[0]", language).ThrowOnError();

        var result = session.Run("CommsInvite\\Get-CsOnlineApplicationInstance -Identity nobody@contoso.com");

        var error = Assert.Single(result.AllErrors);
        Assert.Equal("ApplicationInstanceNotFound,CommsInvite.Commands.GetCsOnlineApplicationInstanceCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains("MicrosoftTeams", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("nobody@contoso.com", error.Exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("de")]
    [InlineData("en")]
    public void WithMicrosoftTeams_SyncAnsweredConflict_IsAlreadySynced(string language)
    {
        using var session = SessionWithStandIn();
        session.Run("Set-StandInLanguage $args[0]; Set-StandInSyncFailure Conflict", language).ThrowOnError();

        var result = session.Run(
            """
            $instance = CommsInvite\New-CsOnlineApplicationInstance -UserPrincipalName bot@contoso.com -DisplayName Bot -ApplicationId $args[0]
            CommsInvite\Sync-CsOnlineApplicationInstance -ObjectId $instance.ObjectId -ApplicationId $args[1] -PassThru
            (Get-StandInCounters).Syncs
            """,
            AppId, Guid.NewGuid().ToString()).ThrowOnError();

        Assert.Equal("bot@contoso.com", result.Output[0].Properties["UserPrincipalName"].Value);
        Assert.Equal(1, result.Output[^1].BaseObject);
    }

    [Theory]
    [InlineData("de")]
    [InlineData("en")]
    public void WithMicrosoftTeams_SyncFailsForAnInstanceThatHasTheApplicationId_IsAlreadySynced(string language)
    {
        using var session = SessionWithStandIn();
        session.Run("Set-StandInLanguage $args[0]; Set-StandInSyncFailure Forbidden", language).ThrowOnError();

        var result = session.Run(
            """
            $instance = CommsInvite\New-CsOnlineApplicationInstance -UserPrincipalName bot@contoso.com -DisplayName Bot -ApplicationId $args[0]
            CommsInvite\Sync-CsOnlineApplicationInstance -ObjectId $instance.ObjectId -ApplicationId $args[0] -PassThru
            """,
            AppId).ThrowOnError();

        Assert.Equal(AppId, Assert.Single(result.Output).Properties["ApplicationId"].Value);
    }

    [Fact]
    public void WithMicrosoftTeams_ForcedSyncThatFails_IsReportedEvenForAnInstanceThatHasTheApplicationId()
    {
        using var session = SessionWithStandIn();
        session.Run("Set-StandInSyncFailure Forbidden").ThrowOnError();

        var result = session.Run(
            """
            $instance = CommsInvite\New-CsOnlineApplicationInstance -UserPrincipalName bot@contoso.com -DisplayName Bot -ApplicationId $args[0]
            CommsInvite\Sync-CsOnlineApplicationInstance -ObjectId $instance.ObjectId -ApplicationId $args[0] -Force -PassThru
            """,
            AppId);

        var error = Assert.Single(result.AllErrors);
        Assert.Equal("MicrosoftTeamsCommandFailed,CommsInvite.Commands.SyncCsOnlineApplicationInstanceCommand", error.FullyQualifiedErrorId);
    }

    [Theory]
    [InlineData("de")]
    [InlineData("en")]
    public void WithMicrosoftTeams_AFailureThatOnlySaysNotFound_IsReportedNotRetried(string language)
    {
        using var session = SessionWithStandIn();
        session.Run("Set-StandInLanguage $args[0]; Set-StandInSyncFailure Forbidden", language).ThrowOnError();

        // Forbidden's text says "not found" ("nicht gefunden"); its id does not, so the sync reports it at once.
        var result = session.Run(
            """
            $instance = CommsInvite\New-CsOnlineApplicationInstance -UserPrincipalName bot@contoso.com -DisplayName Bot -ApplicationId $args[0]
            CommsInvite\Sync-CsOnlineApplicationInstance -ObjectId $instance.ObjectId -ApplicationId $args[1]
            (Get-StandInCounters).Syncs
            """,
            AppId, Guid.NewGuid().ToString());

        var error = Assert.Single(result.AllErrors);
        Assert.Equal("MicrosoftTeamsCommandFailed,CommsInvite.Commands.SyncCsOnlineApplicationInstanceCommand", error.FullyQualifiedErrorId);
        Assert.Equal(1, result.Output[^1].BaseObject);
    }
}
