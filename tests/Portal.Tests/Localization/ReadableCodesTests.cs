using System.Globalization;
using System.Net;
using Portal.Data;
using Portal.Infrastructure;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Localization;

/// <summary>What a person reads is words and formatted numbers, never the codes the portal stores.</summary>
public sealed class ReadableCodesTests(PortalFactory portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("6175550101", "(617) 555-0101")]
    [InlineData("+1 617-555-0101", "(617) 555-0101")]
    [InlineData("+33142685300", "+33 1 42 68 53 00")]
    [InlineData("12", "12")]
    [InlineData("not a number", "not a number")]
    public void A_stored_phone_number_reads_as_people_write_it_in_the_operators_region(string stored, string shown)
    {
        Assert.Equal(shown, PhoneText.Format(stored, "USD"));
    }

    [Fact]
    public void A_phone_link_dials_the_full_number()
    {
        Assert.Equal("+16175550101", PhoneText.Link("6175550101", "USD"));
        Assert.Equal("", PhoneText.Format(null, "USD"));
    }

    [Theory]
    [InlineData("en-US", "United States")]
    [InlineData("es", "Estados Unidos")]
    [InlineData("fr", "États-Unis")]
    public void A_country_code_reads_as_its_name_in_the_readers_language(string language, string name)
    {
        var culture = CultureInfo.GetCultureInfo(language);
        using (CultureScope.Use(culture, culture))
        {
            Assert.Equal(name, RegionalFormats.CountryName("US"));
        }

        Assert.Equal("ZZ9", RegionalFormats.CountryName("ZZ9"));
    }

    [Theory]
    [InlineData("en-US", "United States", "Phone")]
    [InlineData("es", "Estados Unidos", "Teléfono")]
    [InlineData("fr", "États-Unis", "Téléphone")]
    public async Task The_billing_details_show_the_country_and_phone_in_words_and_format(string language, string country, string phone)
    {
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var html = WebUtility.HtmlDecode(await client.GetStringAsync($"/settings?culture={language}", Ct));

        Assert.Contains(country, html, StringComparison.Ordinal);
        Assert.Contains(phone, html, StringComparison.Ordinal);
        Assert.Contains("(617) 555-0101", html, StringComparison.Ordinal);
        Assert.DoesNotContain("6175550101", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en-US", "Logged in", "See amounts")]
    [InlineData("es", "Inicio de sesión", "Ver importes")]
    [InlineData("fr", "Connexion", "Voir les montants")]
    public async Task The_console_shows_events_and_permissions_in_words(string language, string loggedIn, string seeMoney)
    {
        var customer = await portal.LoginAsync(DemoData.CustomerEmail); // a fresh login.succeeded on the trail
        Assert.NotNull(customer);
        var staff = await portal.LoginAsync(DemoData.StaffEmail);
        var userId = await portal.WithDbAsync(db => Task.FromResult(db.Users.Where(u => u.Email == DemoData.CustomerEmail).Select(u => u.Id).First()));

        var dashboard = WebUtility.HtmlDecode(await staff.GetStringAsync($"/admin?culture={language}", Ct));
        var user = WebUtility.HtmlDecode(await staff.GetStringAsync($"/admin/users/{userId}?culture={language}", Ct));
        var account = WebUtility.HtmlDecode(await staff.GetStringAsync($"/admin/accounts/10001?culture={language}", Ct));

        Assert.Contains(loggedIn, dashboard, StringComparison.Ordinal);
        Assert.DoesNotContain(">login.succeeded<", dashboard, StringComparison.Ordinal);
        Assert.Contains(seeMoney, user, StringComparison.Ordinal);
        Assert.DoesNotContain("SeeMoney", user, StringComparison.Ordinal);
        Assert.DoesNotContain("ManageUsers", user, StringComparison.Ordinal);
        Assert.DoesNotContain("ServiceCalls", user, StringComparison.Ordinal);
        Assert.Contains("(617) 555-0101", account, StringComparison.Ordinal);
        Assert.DoesNotContain(">6175550101<", account, StringComparison.Ordinal);
    }
}
