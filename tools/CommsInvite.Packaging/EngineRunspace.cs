using System.Management.Automation.Runspaces;

namespace CommsInvite.Packaging;

/// <summary>The engine the packaging checks run in: a default PowerShell 7.6 runspace, as a user's pwsh has it.</summary>
internal static class EngineRunspace
{
    /// <summary>An open runspace (CreateDefault2); on Windows with the Bypass policy, so the built module's psm1 loads unsigned.</summary>
    public static Runspace Open()
    {
        var state = InitialSessionState.CreateDefault2();
        if (OperatingSystem.IsWindows())
        {
            state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        }

        var runspace = RunspaceFactory.CreateRunspace(state);
        runspace.Open();
        return runspace;
    }
}
