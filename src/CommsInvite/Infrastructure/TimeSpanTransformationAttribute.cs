using System;
using System.Globalization;
using System.Management.Automation;

namespace CommsInvite.Commands.Infrastructure;

/// <summary>
/// Lets a TimeSpan parameter take a plain number as seconds (-Timeout 30), like Wait-Job and
/// Invoke-RestMethod do, as well as a TimeSpan or "00:00:30". Without it, 30 would bind as 30 ticks.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class SecondsToTimeSpanAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        switch (value)
        {
            case TimeSpan span:
                return span;
            case int or long or short or byte or uint or ulong or ushort or sbyte:
                return TimeSpan.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture));
            case double or float or decimal:
                return TimeSpan.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture));
            case string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds):
                return TimeSpan.FromSeconds(seconds);
            case string text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            default:
                throw new ArgumentTransformationMetadataException(
                    $"'{value}' is not a duration: give seconds (30), a TimeSpan, or hh:mm:ss.");
        }
    }
}
