using CommsInvite.Emulator.Admin;
using CommsInvite.Emulator.Graph;
using CommsInvite.Emulator.Identity;

namespace CommsInvite.Emulator.Hosting;

/// <summary>Wires the middleware and routes.</summary>
internal static class EmulatorApplication
{
    public static void Configure(WebApplication app, EmulatorContext context)
    {
        var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
        context.Notifier = new NotificationSender(context, loggerFactory.CreateLogger("CommsInvite.Emulator.Notifications"));
        app.Lifetime.ApplicationStopped.Register(context.Notifier.Dispose);

        app.UseRouting();
        app.Use(RequestIdsAsync(context));
        app.Use(FaultMiddleware.Create(context));

        app.MapGet("/", () => HttpJson.Json(new System.Text.Json.Nodes.JsonObject { ["name"] = "CommsInvite.Emulator" }));
        IdentityEndpoints.Map(app, context);
        foreach (var version in new[] { "v1.0", "beta" })
        {
            var graph = app.MapGroup("/" + version);
            graph.AddEndpointFilter((invocation, next) => GraphAuth.FilterAsync(context, invocation, next));
            CallsEndpoints.Map(graph, version, context, loggerFactory.CreateLogger("CommsInvite.Emulator.Calls"));
            Provisioning.ProvisioningEndpoints.Map(graph, version, context);
            graph.Map("/{**rest}", (string? rest, HttpContext http) =>
                GraphErrors.Result(http, 400, "BadRequest", $"Resource not found for the segment '{rest?.Split('/')[0]}'."));
        }
        AdminEndpoints.Map(app, context);
    }

    // request-id and client-request-id on every response (Kestrel adds Date); per-route request counters.
    private static Func<HttpContext, RequestDelegate, Task> RequestIdsAsync(EmulatorContext context) => (http, next) =>
    {
        var requestId = Guid.NewGuid().ToString();
        var clientRequestId = http.Request.Headers["client-request-id"].ToString();
        if (string.IsNullOrWhiteSpace(clientRequestId) || clientRequestId.Length > 200) clientRequestId = Guid.NewGuid().ToString();
        http.Items[GraphErrors.RequestIdItem] = requestId;
        http.Items[GraphErrors.ClientRequestIdItem] = clientRequestId;
        http.Response.Headers["request-id"] = requestId;
        http.Response.Headers["client-request-id"] = clientRequestId;
        var pattern = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unmatched)";
        context.State.Stats.Request($"{http.Request.Method} {pattern}");
        return next(http);
    };
}
