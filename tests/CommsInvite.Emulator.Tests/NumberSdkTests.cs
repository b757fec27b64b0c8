using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Graph;
using Microsoft.Graph.Admin.Teams.TelephoneNumberManagement.NumberAssignments.MicrosoftGraphTeamsAdministrationAssignNumber;
using Microsoft.Graph.Admin.Teams.TelephoneNumberManagement.NumberAssignments.MicrosoftGraphTeamsAdministrationUnassignNumber;
using Microsoft.Graph.Admin.Teams.TelephoneNumberManagement.NumberAssignments.MicrosoftGraphTeamsAdministrationUpdateNumber;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;
using SdkModels = Microsoft.Graph.Models;
using Ta = Microsoft.Graph.Models.TeamsAdministration;

namespace CommsInvite.Emulator.Tests;

/// <summary>
/// Microsoft's Graph SDK (v1.0 Admin.Teams.TelephoneNumberManagement) against the emulator over HTTPS: what the SDK
/// parses from the list and its pages, a number by id, the three actions it posts under their fully-qualified names,
/// and the long-running operations their Location headers name.
/// </summary>
public sealed class NumberSdkTests : IAsyncLifetime
{
    private EmulatorServer _emulator = null!;
    private HttpClient _admin = null!;
    private HttpClient _sdkHttp = null!;
    private GraphServiceClient _graph = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { ReplicationDelay = TimeSpan.Zero, NumberOperationDelay = TimeSpan.FromMilliseconds(20) });
        _admin = await TestHttp.AuthorizedClientAsync(_emulator);
        (_graph, _sdkHttp) = await GraphSdk.CreateAsync(_emulator);
    }

    public async Task DisposeAsync()
    {
        _graph.Dispose();
        _sdkHttp.Dispose();
        _admin.Dispose();
        await _emulator.DisposeAsync();
    }

    private Microsoft.Graph.Admin.Teams.TelephoneNumberManagement.TelephoneNumberManagementRequestBuilder Numbers => _graph.Admin.Teams.TelephoneNumberManagement;

    private static string ExpectedId(string number) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(EmulatorDefaults.TenantId + "|" + number)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public async Task List_WithFilterAndTop_IsWalkedPageByPageByThePageIterator()
    {
        for (var i = 0; i < 45; i++)
        {
            _emulator.State.AddPhoneNumber("+1312666" + (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var first = await Numbers.NumberAssignments.GetAsync(rc =>
        {
            rc.QueryParameters.Filter = "startswith(telephoneNumber,'+1312666') and assignmentStatus eq 'unassigned'";
            rc.QueryParameters.Top = 10;
        });

        // $top is the page size: ten numbers, and a link back to the emulator for the rest.
        Assert.Equal(10, first!.Value!.Count);
        Assert.StartsWith(_emulator.BaseUri.AbsoluteUri, first.OdataNextLink);

        var seen = new List<Ta.NumberAssignment>();
        var iterator = PageIterator<Ta.NumberAssignment, Ta.NumberAssignmentCollectionResponse>.CreatePageIterator(_graph, first, n =>
        {
            seen.Add(n);
            return true;
        });
        await iterator.IterateAsync();

        Assert.Equal(Enumerable.Range(1000, 45).Select(n => "+1312666" + n), seen.Select(n => n.TelephoneNumber));
        var number = seen[0];
        Assert.Equal(ExpectedId("+13126661000"), number.Id);
        Assert.Equal(Ta.NumberType.CallingPlan, number.NumberType);
        Assert.Equal(Ta.AssignmentStatus.Unassigned, number.AssignmentStatus);
        Assert.Equal(Ta.ActivationState.Activated, number.ActivationState);
        Assert.Equal(Ta.NumberSource.Online, number.NumberSource);
        Assert.Contains(Ta.NumberCapability.UserAssignment, number.Capabilities!);
        Assert.Contains(Ta.CustomerAction.LocationUpdate, number.SupportedCustomerActions!);
        Assert.Empty(number.ReverseNumberLookupOptions!);
        Assert.Null(number.AssignmentTargetId);
        Assert.Empty(number.AdditionalData);
    }

    [Fact]
    public async Task Get_ById_ReturnsTheNumber_AndAnUnknownIdIs404()
    {
        var listed = await Numbers.NumberAssignments.GetAsync(rc => rc.QueryParameters.Filter = "telephoneNumber eq '+12345678901'");
        var id = Assert.Single(listed!.Value!).Id!;
        Assert.Equal(ExpectedId("+12345678901"), id);

        var number = await Numbers.NumberAssignments[id].GetAsync();
        Assert.Equal(id, number!.Id);
        Assert.Equal("+12345678901", number.TelephoneNumber);
        Assert.Equal(Ta.NumberType.CallingPlan, number.NumberType);
        // Every property is one the model knows; only the entity's @odata.context is left over, as from the service.
        Assert.Equal(new[] { "@odata.context" }, number.AdditionalData.Keys);

        var missing = await Assert.ThrowsAsync<ODataError>(() => Numbers.NumberAssignments[ExpectedId("+19995550000")].GetAsync());
        Assert.Equal(404, missing.ResponseStatusCode);
        var otherTenant = Convert.ToBase64String(Encoding.UTF8.GetBytes(Guid.NewGuid() + "|+12345678901")).TrimEnd('=');
        Assert.Equal(404, (await Assert.ThrowsAsync<ODataError>(() => Numbers.NumberAssignments[otherTenant].GetAsync())).ResponseStatusCode);
    }

    [Fact]
    public async Task AssignUpdateUnassign_AnswerWithALocation_WhoseOperationTheSdkParses()
    {
        const string number = "+14255557001";
        _emulator.State.AddPhoneNumber(number);
        var account = await NewLicensedAccountAsync();

        var assigned = await PostAsync(headers => Numbers.NumberAssignments.MicrosoftGraphTeamsAdministrationAssignNumber.PostAsync(
            new AssignNumberPostRequestBody { TelephoneNumber = number, AssignmentTargetId = account, NumberType = Ta.NumberType.CallingPlan, AssignmentCategory = Ta.AssignmentCategory.Primary },
            rc => rc.Options.Add(headers)));
        Assert.Equal(SdkModels.LongRunningOperationStatus.Succeeded, assigned.Status);
        Assert.NotNull(assigned.CreatedDateTime);
        var detail = Assert.Single(assigned.Numbers!);
        Assert.Equal(SdkModels.LongRunningOperationStatus.Succeeded, detail.Status);
        Assert.EndsWith("/numberAssignments/" + ExpectedId(number), detail.ResourceLocation);

        var held = await Numbers.NumberAssignments[ExpectedId(number)].WithUrl(detail.ResourceLocation!).GetAsync();
        Assert.Equal(account, held!.AssignmentTargetId);
        Assert.Equal(Ta.AssignmentStatus.VoiceApplicationAssigned, held.AssignmentStatus);
        Assert.Equal(Ta.AssignmentCategory.Primary, held.AssignmentCategory);

        var location = Guid.NewGuid().ToString();
        var updated = await PostAsync(headers => Numbers.NumberAssignments.MicrosoftGraphTeamsAdministrationUpdateNumber.PostAsync(
            new UpdateNumberPostRequestBody { TelephoneNumber = number, LocationId = location, ReverseNumberLookupOptions = new List<string> { "skipInternalVoip" } },
            rc => rc.Options.Add(headers)));
        Assert.Equal(SdkModels.LongRunningOperationStatus.Succeeded, updated.Status);
        var changed = await Numbers.NumberAssignments[ExpectedId(number)].GetAsync();
        Assert.Equal(location, changed!.LocationId);
        Assert.Equal(new Ta.ReverseNumberLookupOption?[] { Ta.ReverseNumberLookupOption.SkipInternalVoip }, changed.ReverseNumberLookupOptions);

        var unassigned = await PostAsync(headers => Numbers.NumberAssignments.MicrosoftGraphTeamsAdministrationUnassignNumber.PostAsync(
            new UnassignNumberPostRequestBody { TelephoneNumber = number, NumberType = Ta.NumberType.CallingPlan },
            rc => rc.Options.Add(headers)));
        Assert.Equal(SdkModels.LongRunningOperationStatus.Succeeded, unassigned.Status);
        var free = await Numbers.NumberAssignments[ExpectedId(number)].GetAsync();
        Assert.Equal(Ta.AssignmentStatus.Unassigned, free!.AssignmentStatus);
        Assert.Null(free.AssignmentTargetId);
    }

    [Fact]
    public async Task AFailedOperation_IsParsedAsFailed_WithItsDetail()
    {
        const string number = "+14255557002";
        _emulator.State.AddPhoneNumber(number, "directRouting");
        var account = await NewLicensedAccountAsync();

        // The number is Direct Routing: an assignment as Calling Plan fails in the operation, not in the request.
        var failed = await PostAsync(headers => Numbers.NumberAssignments.MicrosoftGraphTeamsAdministrationAssignNumber.PostAsync(
            new AssignNumberPostRequestBody { TelephoneNumber = number, AssignmentTargetId = account, NumberType = Ta.NumberType.CallingPlan },
            rc => rc.Options.Add(headers)));
        Assert.Equal(SdkModels.LongRunningOperationStatus.Failed, failed.Status);
        var detail = Assert.Single(failed.Numbers!);
        Assert.Equal(SdkModels.LongRunningOperationStatus.Failed, detail.Status);
        Assert.Contains("directRouting", detail.StatusDetail);

        var unknown = await Assert.ThrowsAsync<ODataError>(() => Numbers.NumberAssignments.MicrosoftGraphTeamsAdministrationAssignNumber.PostAsync(
            new AssignNumberPostRequestBody { TelephoneNumber = "+19995550001", AssignmentTargetId = account, NumberType = Ta.NumberType.CallingPlan }));
        Assert.Equal(404, unknown.ResponseStatusCode);
    }

    /// <summary>Posts an action, reads the 202's Location through the headers inspection option, and follows it to the end.</summary>
    private async Task<Ta.TelephoneNumberLongRunningOperation> PostAsync(Func<HeadersInspectionHandlerOption, Task> post)
    {
        var headers = new HeadersInspectionHandlerOption { InspectResponseHeaders = true };
        await post(headers);
        var location = Assert.Single(headers.ResponseHeaders["Location"]);
        var uri = new Uri(location);
        Assert.Equal(_emulator.BaseUri.Authority, uri.Authority);
        var operationId = uri.Segments[^1];
        Assert.EndsWith("/v1.0/admin/teams/telephoneNumberManagement/operations/" + operationId, uri.AbsolutePath);

        for (var i = 0; i < 400; i++)
        {
            var operation = await Numbers.Operations[operationId].GetAsync();
            Assert.Equal(operationId, operation!.Id);
            if (operation.Status is SdkModels.LongRunningOperationStatus.Succeeded or SdkModels.LongRunningOperationStatus.Failed)
            {
                return operation;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"Operation {operationId} did not end.");
    }

    /// <summary>A resource account with a usage location and the licences a Calling Plan number needs (through REST).</summary>
    private async Task<string> NewLicensedAccountAsync()
    {
        var (created, body) = await TestHttp.SendAsync(_admin, HttpMethod.Post, "/beta/admin/teams/applicationInstances", new JsonObject
        {
            ["userPrincipalName"] = $"sdk-{Guid.NewGuid():N}@contoso.onmicrosoft.com",
            ["displayName"] = "SDK bot",
            ["applicationId"] = EmulatorDefaults.ClientId,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = body!["objectId"]!.GetValue<string>();
        var (located, _) = await TestHttp.SendAsync(_admin, HttpMethod.Patch, $"/v1.0/users/{id}", new JsonObject { ["usageLocation"] = "US" });
        Assert.Equal(HttpStatusCode.NoContent, located.StatusCode);
        var (licensed, _) = await TestHttp.SendAsync(_admin, HttpMethod.Post, $"/v1.0/users/{id}/assignLicense", new JsonObject
        {
            ["addLicenses"] = new JsonArray(new JsonObject { ["skuId"] = EmulatorDefaults.PhoneSystemVirtualUserSkuId }, new JsonObject { ["skuId"] = EmulatorDefaults.Mcopstn1SkuId }),
            ["removeLicenses"] = new JsonArray(),
        });
        Assert.Equal(HttpStatusCode.OK, licensed.StatusCode);
        return id;
    }
}
