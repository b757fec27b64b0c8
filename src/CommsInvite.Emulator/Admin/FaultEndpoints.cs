using CommsInvite.Emulator.Hosting;
using Microsoft.AspNetCore.Routing;

namespace CommsInvite.Emulator.Admin;

internal static class FaultEndpoints
{
    public static void Map(IEndpointRouteBuilder admin, EmulatorContext context)
    {
    }
}
