namespace CommsInvite.Emulator;

/// <summary>Fault rules applied by the fault middleware (also managed through /_emulator/faults).</summary>
public sealed class FaultInjector
{
}
