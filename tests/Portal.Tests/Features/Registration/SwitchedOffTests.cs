using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Infrastructure;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Registration;

/// <summary>On a portal of its own whose operator switched registration and password recovery off.</summary>
public sealed class SwitchedOffTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = new();

    public async ValueTask InitializeAsync()
    {
        await _portal.InitializeAsync();
        await _portal.WithDbAsync(db => db.OperatorSettings.ExecuteUpdateAsync(s => s
            .SetProperty(x => x.RegistrationByPhoneEnabled, false)
            .SetProperty(x => x.ForgotPasswordEnabled, false)));
        _portal.Services.GetRequiredService<OperatorSettingsCache>().Invalidate();
    }

    public async ValueTask DisposeAsync()
    {
        await _portal.ResetSqlitePoolsAsync();
        await _portal.DisposeAsync();
    }

    [Theory]
    [InlineData("/register")]
    [InlineData("/forgot-password")]
    [InlineData("/reset-password?token=x&email=demo%40example.com")]
    public async Task Switched_off_flows_are_not_found(string url)
    {
        var response = await _portal.CreateBrowserClient().GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_login_page_offers_neither_link()
    {
        var html = await (await _portal.CreateBrowserClient().GetAsync("/login", TestContext.Current.CancellationToken)).HtmlAsync();

        Assert.DoesNotContain("href=\"/register\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/forgot-password\"", html, StringComparison.Ordinal);
    }
}
