using System;
using System.Management.Automation;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;

namespace CommsInvite.Commands;

/// <summary>
/// New-CsGraphInvitationParticipant: builds the invitationParticipantInfo for a user, a phone number (E.164), an
/// application instance, an application or a guest, checking each id at once. No connection needed.
/// </summary>
[Cmdlet(VerbsCommon.New, "CsGraphInvitationParticipant", DefaultParameterSetName = UserSet)]
[OutputType(typeof(InvitationParticipantInfo))]
public sealed class NewCsGraphInvitationParticipantCommand : PSCmdlet
{
    private const string UserSet = "User";
    private const string PhoneSet = "Phone";
    private const string ApplicationInstanceSet = "ApplicationInstance";
    private const string ApplicationSet = "Application";
    private const string GuestSet = "Guest";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = UserSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId")]
    public string[] UserId { get; set; } = Array.Empty<string>();

    /// <summary>The user's tenant, for a user from another tenant.</summary>
    [Parameter(ParameterSetName = UserSet)]
    public string? TenantId { get; set; }

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PhoneSet, ValueFromPipelineByPropertyName = true)]
    [Alias("TelephoneNumber")]
    public string[] PhoneNumber { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ApplicationInstanceSet, ValueFromPipelineByPropertyName = true)]
    public string[] ApplicationInstanceId { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ApplicationSet, ValueFromPipelineByPropertyName = true)]
    public string[] ApplicationId { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = GuestSet)]
    public string[] GuestId { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? DisplayName { get; set; }

    /// <summary>Moves the participant over from this call (only the first participant of an invite may carry it).</summary>
    [Parameter]
    public string? ReplacesCallId { get; set; }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case UserSet:
                Emit(UserId, id => InvitationParticipants.User(id, TenantId, DisplayName, ReplacesCallId));
                break;
            case PhoneSet:
                Emit(PhoneNumber, number =>
                {
                    var participant = InvitationParticipants.Phone(number, ReplacesCallId);
                    participant.Identity.Phone!.DisplayName = DisplayName;
                    return participant;
                });
                break;
            case ApplicationInstanceSet:
                Emit(ApplicationInstanceId, id => InvitationParticipants.ApplicationInstance(id, DisplayName, ReplacesCallId));
                break;
            case ApplicationSet:
                Emit(ApplicationId, id => InvitationParticipants.Application(id, DisplayName, ReplacesCallId));
                break;
            case GuestSet:
                Emit(GuestId, id => InvitationParticipants.Guest(id, DisplayName, ReplacesCallId));
                break;
        }
    }

    private void Emit(string[] values, Func<string, InvitationParticipantInfo> build)
    {
        foreach (var value in values)
        {
            try
            {
                WriteObject(build(value));
            }
            catch (CommsValidationException ex)
            {
                // One bad id must not hide the good ones; each bad one gets its own error.
                WriteError(ErrorRecords.From(ex));
            }
        }
    }
}
