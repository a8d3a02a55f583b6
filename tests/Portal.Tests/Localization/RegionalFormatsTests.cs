using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Identity;
using Portal.Features.Payments;
using Portal.Infrastructure;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Localization;

/// <summary>
/// The language changes the words; the operator's region (a US-dollar operator here) decides number,
/// amount and date formats, on pages, in e-mails and in PDFs, unless the person chose formats of their own.
/// </summary>
public sealed partial class RegionalFormatsTests(PortalFactory portal)
{
    private static readonly DateOnly Day = new(2026, 11, 30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("en-US", "November")]
    [InlineData("es", "noviembre")]
    [InlineData("fr", "novembre")]
    public void Under_a_US_dollar_operator_every_language_writes_US_amounts_and_dates_with_its_own_words(string language, string month)
    {
        var formats = RegionalFormats.For(CultureInfo.GetCultureInfo(language), "USD");

        Assert.Equal("$9,711.99", Currencies.Format(9711.99m, "USD", formats));
        Assert.Equal("-$12.50", Currencies.Format(-12.5m, "USD", formats));
        Assert.Equal("11/30/2026", Day.ToString("d", formats));
        Assert.Equal("1,234.5", 1234.5m.ToString("#,0.####", formats));
        Assert.Contains(month, Day.ToString("D", formats), StringComparison.Ordinal);
        Assert.Equal(language, WebSetup.Culture(language).Name);
    }

    [Fact]
    public void A_currency_format_is_made_once_per_read_only_culture_and_afresh_for_one_that_can_change()
    {
        var formats = RegionalFormats.For(CultureInfo.GetCultureInfo("fr"), "USD");
        Assert.True(formats.IsReadOnly);
        Assert.Same(Currencies.NumberFormat("USD", formats), Currencies.NumberFormat("USD", formats));
        Assert.NotSame(Currencies.NumberFormat("USD", formats), Currencies.NumberFormat("JPY", formats));
        Assert.Equal("¥1,235", Currencies.Format(1234.56m, "JPY", formats));
        Assert.All(RegionalFormats.Choosable, c => Assert.True(c.IsReadOnly));

        // A culture that is not read-only may still change: what it says at the time of the call is what counts.
        var mutable = new CultureInfo("en-US");
        Assert.Equal("$1,234.50", Currencies.Format(1234.5m, "USD", mutable));
        mutable.NumberFormat.CurrencyGroupSeparator = " ";
        Assert.Equal("$1 234.50", Currencies.Format(1234.5m, "USD", mutable));
    }

    [Fact]
    public void Spanish_under_a_US_operator_is_not_written_the_way_Spain_writes()
    {
        var formats = RegionalFormats.For(CultureInfo.GetCultureInfo("es"), "USD");

        Assert.NotEqual("9.711,99 $", Currencies.Format(9711.99m, "USD", formats));
        Assert.Equal("es-US", formats.Name);
        // Spain's formats remain for whoever chooses them, and an operator billing in euros keeps the language's own.
        Assert.Equal("9.711,99 $", Normalize(Currencies.Format(9711.99m, "USD", RegionalFormats.Chosen("es-ES")!)));
        Assert.Equal("30/11/2026", Day.ToString("d", RegionalFormats.For(CultureInfo.GetCultureInfo("es"), "EUR")));
    }

    [Fact]
    public void A_preference_names_a_language_or_chosen_formats()
    {
        Assert.Null(RegionalFormats.Chosen("es"));
        Assert.Null(RegionalFormats.Chosen("en-US")); // what English was stored as before formats could be chosen
        Assert.Null(RegionalFormats.Chosen("xx-YY"));
        Assert.Equal("fr-FR", RegionalFormats.Chosen("fr-FR")!.Name);
        Assert.Equal("30/11/2026", Day.ToString("d", RegionalFormats.For("fr-FR", "USD")));
        Assert.Equal("11/30/2026", Day.ToString("d", RegionalFormats.For("fr", "USD")));
        Assert.Equal("fr", WebSetup.Culture("fr-FR").Name);
    }

    [Theory]
    [InlineData("en-US", "Invoices")]
    [InlineData("es", "Facturas")]
    [InlineData("fr", "Factures")]
    public async Task The_invoice_list_shows_US_amounts_in_every_language(string language, string heading)
    {
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var html = WebUtility.HtmlDecode(await client.GetStringAsync($"/invoices?culture={language}", Ct));

        Assert.Contains($"<h1>{heading}</h1>", html, StringComparison.Ordinal);
        Assert.Matches(UsMoney(), html);
        Assert.DoesNotMatch(CommaMoney(), html);
        Assert.Matches(UsDate(), html);
    }

    [Theory]
    [InlineData("en-US", "INVOICE")]
    [InlineData("es", "FACTURA")]
    [InlineData("fr", "FACTURE")]
    public async Task The_invoice_pdf_shows_US_amounts_in_every_language(string language, string title)
    {
        var client = await portal.LoginAsync(DemoData.CustomerEmail);
        var number = await portal.WithDbAsync(db => db.Invoices.Where(i => i.Account!.Number == "10001" && !i.IsVoid)
            .OrderByDescending(i => i.Id).Select(i => i.Number).FirstAsync(Ct));

        var bytes = await client.GetByteArrayAsync($"/invoices/{Uri.EscapeDataString(number)}/pdf?culture={language}", Ct);

        var text = await Portal.Tests.Features.Invoices.InvoiceTestData.PdfTextAsync(bytes);
        Assert.True(text is not null, "pdftotext (poppler-utils) is needed to read the PDF's text.");
        Assert.Contains(title, text, StringComparison.Ordinal);
        Assert.Matches(UsMoney(), text);
        Assert.DoesNotMatch(CommaMoney(), text);
        Assert.Matches(UsDate(), text);
    }

    [Theory]
    [InlineData("en-US", "Invoices")]
    [InlineData("es", "Facturas")]
    [InlineData("fr", "Factures")]
    [InlineData("fr-FR", "Factures")]
    public async Task An_email_is_written_in_the_recipients_words_with_the_operators_formats_unless_chosen(string preference, string word)
    {
        var to = $"formats-{Guid.NewGuid():N}@example.com";
        var bayside = await portal.WithDbAsync(db => db.Accounts.Where(a => a.Number == "10001").Select(a => a.Id).SingleAsync(Ct));
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var mail = scope.ServiceProvider.GetRequiredService<PaymentMail>();
            await mail.UserAsync("no-such-user", NotificationKinds.PaymentReceipt, Ct); // loads the operator's settings, as every caller does
            mail.Send(new MailRecipient(to, preference), "formats-test", bayside, (l, culture) =>
                (l["Invoices"].Value, PaymentMail.Money(9711.99m, "USD", culture) + " " + Day.ToString("d", culture)));
            await scope.ServiceProvider.GetRequiredService<PortalDb>().SaveChangesAsync(Ct);
        }

        var message = await portal.WithDbAsync(db => db.EmailMessages.AsNoTracking().SingleAsync(m => m.To == to, Ct));

        Assert.Equal(word, message.Subject);
        Assert.Equal(preference == "fr-FR" ? "9711,99 $ 30/11/2026" : "$9,711.99 11/30/2026", Normalize(message.TextBody));
    }

    [Fact]
    public async Task A_user_who_chooses_Frances_formats_keeps_them_and_one_who_does_not_gets_the_region()
    {
        var email = $"formats-{Guid.NewGuid():N}@example.com";
        await Portal.Tests.Features.Settings.AccountTestKit.CreateUserAsync(portal, email, "10001");
        var (client, _) = await Portal.Tests.Features.Settings.AccountTestKit.LoginAsync(portal, email, Portal.Tests.Features.Settings.AccountTestKit.Password);

        var mismatch = await PortalFactory.PostFormAsync(client, "/settings?handler=Language", new Dictionary<string, string> { ["Language"] = "es", ["Formats"] = "fr-FR" });
        var chosen = await PortalFactory.PostFormAsync(client, "/settings?handler=Language", new Dictionary<string, string> { ["Language"] = "fr", ["Formats"] = "fr-FR" });
        var saved = await portal.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.PreferredCulture).SingleAsync(Ct));
        var france = WebUtility.HtmlDecode(await client.GetStringAsync("/invoices", Ct));
        var region = await PortalFactory.PostFormAsync(client, "/settings?handler=Language", new Dictionary<string, string> { ["Language"] = "fr", ["Formats"] = "" });
        var savedAgain = await portal.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.PreferredCulture).SingleAsync(Ct));
        var us = WebUtility.HtmlDecode(await client.GetStringAsync("/invoices", Ct));

        Assert.Equal(HttpStatusCode.OK, mismatch.StatusCode);
        Assert.Contains("Choose formats in the language you chose", WebUtility.HtmlDecode(await mismatch.Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.Equal("fr-FR", saved);
        Assert.Contains("<h1>Factures</h1>", france, StringComparison.Ordinal);
        Assert.Matches(CommaMoney(), france);
        Assert.Equal(HttpStatusCode.Redirect, region.StatusCode);
        Assert.Equal("fr", savedAgain);
        Assert.Contains("<h1>Factures</h1>", us, StringComparison.Ordinal);
        Assert.Matches(UsMoney(), us);
        Assert.DoesNotMatch(CommaMoney(), us);
    }

    [Fact]
    public async Task A_browsers_language_alone_changes_the_words_not_the_formats()
    {
        var client = await portal.LoginAsync(DemoData.CustomerEmail);
        var request = new HttpRequestMessage(HttpMethod.Get, "/invoices");
        request.Headers.AcceptLanguage.ParseAdd("es-ES");

        var html = WebUtility.HtmlDecode(await (await client.SendAsync(request, Ct)).Content.ReadAsStringAsync(Ct));

        Assert.Contains("<h1>Facturas</h1>", html, StringComparison.Ordinal);
        Assert.Matches(UsMoney(), html);
        Assert.DoesNotMatch(CommaMoney(), html);
    }

    // ICU writes narrow and non-breaking spaces inside French and Spanish amounts; the tests compare plain ones and none as a group separator.
    private static string Normalize(string text) =>
        Regex.Replace(text.Replace('\u202F', ' ').Replace('\u00A0', ' '), @"(\d) (\d{3})", "$1$2");

    [GeneratedRegex(@"\$\d{1,3}(,\d{3})*\.\d{2}\b")]
    private static partial Regex UsMoney();

    [GeneratedRegex(@"\d,\d{2}[\s\u202F\u00A0]\$")]
    private static partial Regex CommaMoney();

    [GeneratedRegex(@"\b\d{1,2}/\d{1,2}/20\d{2}\b")]
    private static partial Regex UsDate();
}
