using System.Management.Automation;
using SMA = System.Management.Automation;

namespace CommsInvite.Packaging;

/// <summary>Imports an installed CommsInvite by name through PSModulePath in a real engine and reports what it sees.</summary>
public static class ImportCheck
{
    public static int Run(string modulesFolder)
    {
        using var runspace = EngineRunspace.Open();
        using var ps = SMA.PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(
            "$env:PSModulePath = $args[0] + [System.IO.Path]::PathSeparator + $env:PSModulePath; " +
            "Import-Module -Name CommsInvite -ErrorAction Stop; " +
            "(Get-Module CommsInvite).ModuleBase; @((Get-Module CommsInvite).ExportedCmdlets.Keys).Count; " +
            "(Get-Help Invoke-CsGraphParticipantInvite).Synopsis; " +
            "New-CsGraphInvitationParticipant -PhoneNumber +12345678901 -ErrorAction Stop | ForEach-Object { $_.Identity.Kind.ToString() }")
            .AddArgument(modulesFolder);
        try
        {
            foreach (var line in ps.Invoke())
            {
                Console.WriteLine(line?.BaseObject?.ToString());
            }
        }
        catch (RuntimeException ex)
        {
            Console.Error.WriteLine("import failed: " + ex.Message);
            return 1;
        }

        foreach (var error in ps.Streams.Error)
        {
            Console.Error.WriteLine("error: " + error);
        }

        return ps.Streams.Error.Count == 0 ? 0 : 1;
    }
}
