using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Identity;
using Portal.Features.Operator;
using Portal.Features.Payments;
using Portal.Infrastructure;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Identity;

/// <summary>A portal of its own: which languages are offered is a global setting.</summary>
public sealed class OfferedLanguagesPortal : IAsyncLifetime
{
    public PortalFactory Portal { get; } = new();

    public async ValueTask InitializeAsync()
    {
        await Portal.InitializeAsync();
        // Spanish only: French (the saved choice below) and English are no longer offered.
        await Portal.WithDbAsync(async db =>
        {
            var settings = await db.OperatorSettings.SingleAsync();
            settings.Languages = "es";
            await db.SaveChangesAsync();
            await db.Users.Where(u => u.Email == DemoData.CustomerEmail).ExecuteUpdateAsync(s => s.SetProperty(u => u.PreferredCulture, "fr"));
        });
        Portal.Services.GetRequiredService<OperatorSettingsCache>().Invalidate();
    }

    public ValueTask DisposeAsync() => Portal.DisposeAsync();
}

public sealed class OfferedLanguagesTests(OfferedLanguagesPortal fixture) : IClassFixture<OfferedLanguagesPortal>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PortalFactory Portal => fixture.Portal;

    [Fact]
    public void A_saved_language_no_longer_offered_falls_back_to_the_operators_default()
    {
        var settings = new OperatorSettings { Languages = "es,en" };

        Assert.Equal("es", WebSetup.Culture("fr", settings).Name);
        Assert.Equal("es", WebSetup.Culture(null, settings).Name);
        Assert.Equal("en-US", WebSetup.Culture("en-US", settings).Name);
        Assert.Equal("en-US", WebSetup.Culture("en", settings).Name);
        Assert.Equal("es", WebSetup.Culture("es-MX", settings).Name);
        Assert.Equal("en-US", WebSetup.Culture("fr", new OperatorSettings { Languages = "xx" }).Name);
    }

    [Fact]
    public async Task The_picker_offers_only_the_offered_languages_and_another_is_not_remembered()
    {
        var anonymous = Portal.CreateBrowserClient();

        var login = await anonymous.GetStringAsync("/login", Ct);
        var picked = await anonymous.GetAsync("/culture?c=fr&returnUrl=/login", Ct);

        Assert.Contains("href=\"/culture?c=es&amp;", login, StringComparison.Ordinal);
        Assert.DoesNotContain("/culture?c=fr", login, StringComparison.Ordinal);
        Assert.DoesNotContain("/culture?c=en-US", login, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"es\"", login, StringComparison.Ordinal);
        Assert.False(picked.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(".AspNetCore.Culture", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_user_whose_saved_language_is_no_longer_offered_gets_pages_in_the_default_language()
    {
        var customer = await Portal.LoginAsync(DemoData.CustomerEmail);

        var overview = await customer.GetStringAsync("/", Ct);
        var linked = await customer.GetStringAsync("/?culture=fr", Ct);

        Assert.Contains("<html lang=\"es\"", overview, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"es\"", linked, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_browser_asking_for_a_language_not_offered_gets_the_default()
    {
        var anonymous = Portal.CreateBrowserClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/login");
        request.Headers.AcceptLanguage.ParseAdd("fr-FR,fr;q=0.9,en;q=0.8");

        var response = await anonymous.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<html lang=\"es\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task E_mails_to_a_user_whose_saved_language_is_no_longer_offered_are_written_in_the_default_language()
    {
        await using var scope = Portal.Services.CreateAsyncScope();
        var mail = scope.ServiceProvider.GetRequiredService<PaymentMail>();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var userId = await db.Users.Where(u => u.Email == DemoData.CustomerEmail).Select(u => u.Id).SingleAsync(Ct);
        var accountId = await db.Accounts.Where(a => a.Number == "10001").Select(a => a.Id).SingleAsync(Ct);

        var recipients = await mail.UserAsync(userId, NotificationKinds.PaymentReceipt, Ct);
        CultureInfo? writtenIn = null;
        mail.Send(recipients.Single(), "payment-receipt", accountId, (l, culture) =>
        {
            writtenIn = CultureInfo.CurrentUICulture;
            return (l["Overview"], "-");
        });

        Assert.Equal("es", recipients.Single().Culture);
        Assert.Equal("es", writtenIn?.Name);
        var queued = db.ChangeTracker.Entries<Portal.Infrastructure.Email.EmailMessage>().Single().Entity;
        Assert.NotEqual("Overview", queued.Subject);
    }
}
