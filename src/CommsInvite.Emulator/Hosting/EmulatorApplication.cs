using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CommsInvite.Emulator.Hosting;

/// <summary>Wires the middleware and routes.</summary>
internal static class EmulatorApplication
{
    public static void Configure(WebApplication app, EmulatorContext context)
    {
        app.MapGet("/", () => Results.Json(new { name = "CommsInvite.Emulator" }));
    }
}
