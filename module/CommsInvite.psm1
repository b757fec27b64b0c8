# Loads the CommsInvite cmdlets with their dependencies kept apart from every other module's.
# PowerShell 7: a private AssemblyLoadContext (CommsInvite.Loader.ModuleLoadContext).
# Windows PowerShell 5.1: an AssemblyResolve handler that answers only for CommsInvite's own assemblies.
# Only Microsoft.PowerShell.Core commands are used here (no Add-Type), so a minimal host can import it.

Set-StrictMode -Version Latest

$binFolder = [System.IO.Path]::Combine($PSScriptRoot, 'bin')

if ($PSEdition -eq 'Core') {
    $loaderType = 'CommsInvite.Loader.ModuleLoadContext' -as [type]
    $loadedBefore = $null -ne $loaderType
    if (-not $loadedBefore) {
        $null = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($binFolder, 'loader', 'net8.0', 'CommsInvite.Loader.dll'))
        $loaderType = 'CommsInvite.Loader.ModuleLoadContext' -as [type]
    }
    $cmdletAssembly = $loaderType::Initialize($binFolder)
}
else {
    $loaderType = 'CommsInvite.Loader.ModuleAssemblyResolver' -as [type]
    $loadedBefore = $null -ne $loaderType
    if (-not $loadedBefore) {
        $null = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($binFolder, 'loader', 'netstandard2.0', 'CommsInvite.Loader.dll'))
        $loaderType = 'CommsInvite.Loader.ModuleAssemblyResolver' -as [type]
    }
    $cmdletAssembly = $loaderType::Register($binFolder)
}

# The engine's own Import-Module, module-qualified: a proxy function of the same name must not get in the way. (Not
# looked up with Get-Command -Module: in a fresh pwsh that lookup costs more than the rest of this file.)
$binaryModule = Microsoft.PowerShell.Core\Import-Module -Assembly $cmdletAssembly -PassThru

# Import-Module -Force (or Remove-Module, then Import-Module) in the same session meets the engine's cached
# binary module for this assembly, and the cache does not hand its cmdlets to this script module again
# (PowerShell/PowerShell#20710): the reloaded module would export nothing. When that happens, give each
# cmdlet back to this module through the engine's own (non-public) export method. Only a process that loaded the
# loader before can meet that cache, so a first import skips the check (reading ExportedCmdlets and looking a cmdlet
# up is a noticeable share of a first import).
$probe = if ($loadedBefore) { @($binaryModule.ExportedCmdlets.Keys)[0] }
if ($probe -and -not $ExecutionContext.SessionState.InvokeCommand.GetCmdlet($probe)) {
    $addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod(
        'AddExportedCmdlet', [System.Reflection.BindingFlags]'Instance, NonPublic')
    if ($addExportedCmdlet) {
        foreach ($name in @($binaryModule.ExportedCmdlets.Keys)) {
            [System.Management.Automation.CmdletInfo]$cmdlet = $binaryModule.ExportedCmdlets[$name]
            $null = $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, [object[]]@($cmdlet))
        }
    }
}

$ExecutionContext.SessionState.Module.OnRemove = {
    if ($PSEdition -ne 'Core') {
        $resolver = 'CommsInvite.Loader.ModuleAssemblyResolver' -as [type]
        if ($resolver) { $resolver::Unregister() }
    }
}
