using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Portal.Tests.Features.Integration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>
/// The integration API's transport: any Authorization header that is not one valid key is a 401
/// problem; any Content-Type is either read as JSON or refused with 415; a body over the limit is a
/// 413; every error under /api is application/problem+json, a 500 and unknown routes included.
/// </summary>
public sealed class ApiTransportTests(PortalFactory portal)
{
    private const string Balance = "/api/v1/accounts/ACC-10001/balance";

    public static TheoryData<string[]> MalformedAuthorization() => new()
    {
        { [""] },
        { ["Bearer"] },
        { ["Bearer "] },
        { ["Bearer x"] },
        { ["Bearer pk"] },
        { ["Bearer pk_"] },
        { ["bearer pk_00000000_x"] },
        { ["pk_00000000_notakeyatall"] },
        { ["Basic dXNlcjpwYXNz"] },
        { ["Digest username=\"a\""] },
        { ["Negotiate abc"] },
        { ["Bearer " + new string('a', 20_000)] },
        { ["Bearer pk_" + new string('_', 300)] },
        { ["Bearer pk_0000000é_ключ"] },
        { ["Bearer \u00ff\u00fe"] },
        { ["Bearer ,Bearer"] },
        { ["Bearer a", "Bearer b"] },
        { ["Basic x", "Bearer pk_00000000_x"] },
    };

    [Theory]
    [MemberData(nameof(MalformedAuthorization))]
    public async Task A_malformed_authorization_header_is_a_401_problem(string[] values)
    {
        var client = portal.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, Balance);
        request.Headers.TryAddWithoutValidation("Authorization", values);

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_valid_key_sent_twice_is_refused_too()
    {
        var api = await portal.CreateApiClientAsync();
        var key = api.DefaultRequestHeaders.Authorization!.ToString();
        using var request = new HttpRequestMessage(HttpMethod.Get, Balance);
        request.Headers.TryAddWithoutValidation("Authorization", [key, key]);

        var response = await portal.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);

        await response.ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json;charset=UTF-8")]
    [InlineData("APPLICATION/JSON")]
    [InlineData("Application/Json; Charset=\"utf-8\"")]
    [InlineData("application/json; foo=bar; charset=utf-8")]
    [InlineData("application/problem+json")]
    [InlineData("application/vnd.portal+json")]
    public async Task A_json_content_type_in_any_spelling_is_read(string contentType)
    {
        var response = await PutAccountAsync(contentType);

        // An empty object is read and refused by validation (400 naming fields), not by the media type.
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("text/plain")]
    [InlineData("text/json-ish")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=xyz")]
    [InlineData("application/xml")]
    [InlineData("application/octet-stream")]
    [InlineData("*/*")]
    [InlineData("application/*")]
    [InlineData("json")]
    [InlineData(";;;")]
    [InlineData("application/json; charset=bogus-1")]
    [InlineData("application/json; charset=")]
    [InlineData("application/json; charset=utf-7")]
    [InlineData("application/json; charset=\u00e9")]
    public async Task Any_other_content_type_is_refused_with_a_problem_not_a_500(string? contentType)
    {
        var response = await PutAccountAsync(contentType);

        Assert.True(response.StatusCode is HttpStatusCode.UnsupportedMediaType or HttpStatusCode.BadRequest,
            $"{contentType}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        await response.ProblemAsync(response.StatusCode);
    }

    [Fact]
    public async Task An_oversized_body_is_a_413_problem_declared_or_streamed()
    {
        var client = await portal.CreateApiClientAsync();
        var big = new string(' ', 9 * 1024 * 1024) + "{}";
        var url = $"/api/v1/accounts/{ApiClient.NewId("ACC")}";

        var declared = await client.PutAsync(url, new StringContent(big, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var streamedContent = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        streamedContent.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var streamedRequest = new HttpRequestMessage(HttpMethod.Put, url) { Content = streamedContent };
        streamedRequest.Headers.TransferEncodingChunked = true;
        var streamed = await client.SendAsync(streamedRequest, TestContext.Current.CancellationToken);

        await declared.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await streamed.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("GET", "/api/v1/no-such-thing", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/nothing/here", HttpStatusCode.NotFound)]
    [InlineData("POST", "/api/v1/accounts/ACC-10001", HttpStatusCode.MethodNotAllowed)]
    [InlineData("DELETE", "/api/v1/invoices/X-1", HttpStatusCode.MethodNotAllowed)]
    [InlineData("PATCH", "/api/v1/payments/X-1", HttpStatusCode.MethodNotAllowed)]
    public async Task Unknown_api_routes_and_methods_are_problems(string method, string url, HttpStatusCode expected)
    {
        var client = await portal.CreateApiClientAsync();

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url), TestContext.Current.CancellationToken);

        await response.ProblemAsync(expected);
    }

    [Fact]
    public async Task An_unexpected_failure_under_api_is_a_500_problem()
    {
        var clock = new FailingClock();
        await using var failing = portal.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        var key = (await portal.CreateApiClientAsync()).DefaultRequestHeaders.Authorization;
        var api = failing.CreateClient();
        api.DefaultRequestHeaders.Authorization = key;
        clock.Fail = true;

        var apiResponse = await api.GetAsync(Balance, TestContext.Current.CancellationToken);
        clock.Fail = false;

        var problem = await apiResponse.ProblemAsync(HttpStatusCode.InternalServerError);
        Assert.DoesNotContain("clock", problem.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    private async Task<HttpResponseMessage> PutAccountAsync(string? contentType)
    {
        var client = await portal.CreateApiClientAsync();
        var content = new ByteArrayContent("{}"u8.ToArray());
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return await client.PutAsync($"/api/v1/accounts/{ApiClient.NewId("ACC")}", content, TestContext.Current.CancellationToken);
    }

    private sealed class FailingClock : TimeProvider
    {
        public volatile bool Fail;

        public override DateTimeOffset GetUtcNow() => Fail ? throw new InvalidOperationException("The test's clock failed on purpose.") : base.GetUtcNow();
    }
}
