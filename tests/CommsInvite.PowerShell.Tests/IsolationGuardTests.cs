using System.Management.Automation;
using System.Reflection;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>
/// Guards the isolation rules: no cmdlet parameter or output exposes a type from an isolated dependency (MSAL, Graph,
/// IdentityModel, Kiota, Azure), because another module's copy of that assembly would make it a different type.
/// </summary>
public sealed class IsolationGuardTests
{
    private static readonly string[] IsolatedPrefixes =
    {
        "Microsoft.Identity.", "Microsoft.IdentityModel.", "Microsoft.Graph.", "Microsoft.Kiota.", "Azure.", "System.IdentityModel.",
    };

    [Fact]
    public void NoCmdletParameterOrOutput_ExposesAnIsolatedAssemblysType()
    {
        using var session = new PowerShellSession();
        session.ImportModule();
        var commands = session.Run("Get-Command -Module CommsInvite").ThrowOnError().Output.Select(o => (CmdletInfo)o.BaseObject).ToList();
        Assert.NotEmpty(commands);

        var offenders = new List<string>();
        foreach (var command in commands)
        {
            foreach (var parameter in command.Parameters.Values)
            {
                CheckType(parameter.ParameterType, $"{command.Name} -{parameter.Name}", offenders, new HashSet<Type>());
            }

            foreach (var output in command.OutputType)
            {
                Assert.NotNull(output.Type);
                CheckType(output.Type, $"{command.Name} output", offenders, new HashSet<Type>());
            }
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public void EveryCmdlet_IsSealed_AndDeclaresItsOutputType()
    {
        using var session = new PowerShellSession();
        session.ImportModule();
        var commands = session.Run("Get-Command -Module CommsInvite").ThrowOnError().Output.Select(o => (CmdletInfo)o.BaseObject).ToList();

        Assert.All(commands, c => Assert.True(c.ImplementingType.IsSealed, c.Name + " is not sealed"));
        Assert.All(commands, c => Assert.True(c.ImplementingType.GetCustomAttributes(typeof(OutputTypeAttribute), false).Length > 0, c.Name + " has no [OutputType]"));
    }

    // Walks public properties a few levels down: an output's members are as visible as the output itself.
    private static void CheckType(Type type, string where, List<string> offenders, HashSet<Type> seen)
    {
        if (type.IsArray || type.IsByRef)
        {
            CheckType(type.GetElementType()!, where, offenders, seen);
            return;
        }

        if (!seen.Add(type) || seen.Count > 200)
        {
            return;
        }

        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments())
            {
                CheckType(argument, where, offenders, seen);
            }
        }

        var assemblyName = type.Assembly.GetName().Name ?? string.Empty;
        if (IsolatedPrefixes.Any(p => assemblyName.StartsWith(p, StringComparison.Ordinal)))
        {
            offenders.Add($"{where}: {type.FullName} from {assemblyName}");
            return;
        }

        if (!assemblyName.StartsWith("CommsInvite", StringComparison.Ordinal))
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            CheckType(property.PropertyType, $"{where}.{property.Name}", offenders, seen);
        }
    }
}
