using System.Collections.Generic;
using CommsInvite.Commands.Infrastructure;

namespace CommsInvite.Commands.Completion;

/// <summary>
/// -NumberType of the phone number cmdlets: the number types Graph's numberAssignments know, in the casing the
/// MicrosoftTeams module's -NumberType takes (the core normalizes CallingPlan to callingPlan on the wire).
/// Use as [ArgumentCompleter(typeof(NumberTypeCompleter))].
/// </summary>
public sealed class NumberTypeCompleter : FixedListCompleter
{
    public static IReadOnlyList<string> NumberTypes { get; } = new[] { "CallingPlan", "DirectRouting", "OperatorConnect" };

    protected override IEnumerable<string> Values => NumberTypes;
}
