using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core;
using CommsInvite.Core.Readiness;

namespace CommsInvite.Commands;

/// <summary>
/// Test-CsGraphBotReadiness: checks that a bot's connection, application instance, licences and number let it call,
/// one object per check (Check, Status, Detail, Fix), or $true/$false with -Quiet. The checks are in the core
/// (BotReadiness); this cmdlet binds, picks where application instances are read, and writes.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "CsGraphBotReadiness")]
[OutputType(typeof(ReadinessCheck), typeof(bool))]
public sealed class TestCsGraphBotReadinessCommand : GraphSessionCmdlet
{
    private const string TeamsGetCommand = "Get-CsOnlineApplicationInstance";
    private BotReadiness? _readiness;

    /// <summary>
    /// The application instance: its object id or user principal name. Binds by property name from instance objects
    /// (not from any piped value: a string parameter would take anything as its text).
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId", "UserPrincipalName")]
    [ValidateNotNullOrEmpty]
    public string? Identity { get; set; }

    /// <summary>A number the bot will dial, in E.164 form.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PhoneNumber { get; set; }

    /// <summary>A Teams meeting the bot will join.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JoinWebUrl { get; set; }

    /// <summary>The address the service will post notifications to.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CallbackUri { get; set; }

    /// <summary>Returns $true when no check failed, $false otherwise, instead of the checks.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();

        // Instances are read where the instance cmdlets read them; MicrosoftTeams only when it is already loaded, since
        // a readiness check reports what is missing instead of stopping.
        var store = ApplicationInstanceCmdlet.ConnectionStore(Connection);
        string? unavailable = null;
        if (store is null)
        {
            if (InvokeCommand.GetCommand("MicrosoftTeams\\" + TeamsGetCommand, CommandTypes.All) is not null)
            {
                store = MicrosoftTeamsApplicationInstanceStore.Require(this, TeamsGetCommand);
            }
            else
            {
                unavailable = "Application instances have no public Graph API and the MicrosoftTeams module is not loaded.";
            }
        }

        _readiness = new BotReadiness(Connection, store, unavailable);
    }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        ReadinessRequest request;
        try
        {
            request = ReadinessRequest.Create(Identity, PhoneNumber, JoinWebUrl, CallbackUri);
        }
        catch (CommsValidationException ex)
        {
            // This record's input is bad; the next piped instance may be fine.
            QueueError(ex);
            return;
        }

        var checks = await _readiness!.RunAsync(request, cancellationToken).ConfigureAwait(false);
        if (Quiet)
        {
            QueueObject(checks.All(c => c.Status != ReadinessStatus.Failed));
            return;
        }

        QueueObject(checks, enumerateCollection: true);
    }
}
