using CommsInvite.Emulator.Hosting;
using Microsoft.AspNetCore.Routing;

namespace CommsInvite.Emulator.Provisioning;

internal static class ProvisioningEndpoints
{
    public static void Map(RouteGroupBuilder graph, string version, EmulatorContext context)
    {
    }
}
