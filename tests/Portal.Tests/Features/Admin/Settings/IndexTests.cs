using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Operator;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Admin.Settings;

/// <summary>A portal of its own: the settings are global, so these tests must not change the shared one's.</summary>
public sealed class SettingsPortal : IAsyncLifetime
{
    public PortalFactory Portal { get; } = new();

    public ValueTask InitializeAsync() => Portal.InitializeAsync();

    public ValueTask DisposeAsync() => Portal.DisposeAsync();
}

public sealed class IndexTests(SettingsPortal fixture) : IClassFixture<SettingsPortal>
{
    // A 1x1 transparent PNG.
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=");

    private PortalFactory Portal => fixture.Portal;

    [Fact]
    public async Task The_form_offers_every_switch_of_the_settings()
    {
        var staff = await Portal.LoginAsync(DemoData.StaffEmail);

        var html = await staff.GetStringAsync("/admin/settings", TestContext.Current.CancellationToken);

        var switches = typeof(OperatorSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.PropertyType == typeof(bool));
        Assert.All(switches, p => Assert.Contains($"name=\"Input.Switches\" value=\"{p.Name}\"", html, StringComparison.Ordinal));
        Assert.Contains("<option value=\"America/New_York\" selected=\"selected\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Saving_changes_what_customers_see_at_once_and_is_logged()
    {
        var ct = TestContext.Current.CancellationToken;
        var staff = await Portal.LoginAsync(DemoData.StaffEmail);
        var fields = await CurrentFieldsAsync();
        fields["Input.WelcomeMessage"] = "Hello from the settings test.";
        fields["Input.PrimaryColor"] = "#112233";
        fields.Remove("switch:PaymentsEnabled");

        var response = await PostAsync(staff, fields);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var customer = await Portal.LoginAsync(DemoData.CustomerEmail);
        var overview = await customer.GetStringAsync("/", ct);
        Assert.Contains("Hello from the settings test.", overview, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/pay\"", overview, StringComparison.Ordinal);
        Assert.Contains("#112233", await customer.GetStringAsync("/brand.css", ct), StringComparison.Ordinal);
        var logged = await Portal.WithDbAsync(db => db.ActivityEntries.AnyAsync(a => a.Action == "settings.changed" && a.Detail!.Contains("WelcomeMessage"), ct));
        Assert.True(logged);
        var audited = await Portal.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "settings.changed").OrderByDescending(a => a.Id).FirstAsync(ct));
        Assert.Equal(DemoData.StaffEmail, audited.ActorEmail);
        Assert.Contains("\"PaymentsEnabled\":true", audited.Before, StringComparison.Ordinal);
        Assert.Contains("\"PaymentsEnabled\":false", audited.After, StringComparison.Ordinal);
        Assert.Contains("Hello from the settings test.", audited.After, StringComparison.Ordinal);

        fields["switch:PaymentsEnabled"] = "PaymentsEnabled";
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(staff, fields)).StatusCode);
        Assert.Contains("href=\"/pay\"", await customer.GetStringAsync("/", ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Input.PrimaryColor", "red")]
    [InlineData("Input.AccentColor", "#12345")]
    [InlineData("Input.AccentColor", "#1234567")]
    [InlineData("Input.TimeZoneId", "Mars/Olympus_Mons")]
    [InlineData("Input.Currency", "XYZ")]
    [InlineData("Input.InvitationLifetimeHours", "0")]
    [InlineData("Input.InvitationLifetimeHours", "721")]
    [InlineData("Input.UsageExportLimit", "1000001")]
    [InlineData("Input.SupportEmail", "not an address")]
    [InlineData("Input.Name", "")]
    public async Task A_bad_value_is_refused_with_a_field_error_and_nothing_is_saved(string field, string value)
    {
        var staff = await Portal.LoginAsync(DemoData.StaffEmail);
        var fields = await CurrentFieldsAsync();
        fields["Input.WelcomeMessage"] = "This must not be saved.";
        fields[field] = value;

        var response = await PostAsync(staff, fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains($"data-valmsg-for=\"{field}\"", html, StringComparison.Ordinal);
        Assert.Matches($"<span class=\"field-error field-validation-error\" data-valmsg-for=\"{System.Text.RegularExpressions.Regex.Escape(field)}\"[^>]*>[^<]+<", html);
        var saved = await Portal.WithDbAsync(db => db.OperatorSettings.AsNoTracking().SingleAsync(TestContext.Current.CancellationToken));
        Assert.NotEqual("This must not be saved.", saved.WelcomeMessage);
    }

    [Fact]
    public async Task A_png_logo_is_accepted_and_served()
    {
        var ct = TestContext.Current.CancellationToken;
        var staff = await Portal.LoginAsync(DemoData.StaffEmail);
        var original = await Portal.WithDbAsync(db => db.OperatorSettings.AsNoTracking().SingleAsync(ct));

        try
        {
            var response = await PostAsync(staff, await CurrentFieldsAsync(), ("logo.bin", Png));

            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            var logo = await staff.GetAsync("/brand/logo", ct);
            Assert.Equal("image/png", logo.Content.Headers.ContentType!.MediaType);
            Assert.Equal(Png, await logo.Content.ReadAsByteArrayAsync(ct));
        }
        finally
        {
            await Portal.WithDbAsync(async db =>
            {
                var s = await db.OperatorSettings.SingleAsync(ct);
                s.Logo = original.Logo;
                s.LogoContentType = original.LogoContentType;
                await db.SaveChangesAsync(ct);
            });
        }
    }

    [Theory]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>")]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><rect width=\"1\" height=\"1\"/></svg>")]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"><image xlink:href=\"https://evil.example/x.png\"/></svg>")]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\"><style>@import url(https://evil.example/x.css);</style></svg>")]
    [InlineData("<!DOCTYPE svg [<!ENTITY x \"y\">]><svg xmlns=\"http://www.w3.org/2000/svg\">&x;</svg>")]
    [InlineData("<html><body>not an image</body></html>")]
    public async Task An_unsafe_or_unknown_logo_is_refused(string content)
    {
        var staff = await Portal.LoginAsync(DemoData.StaffEmail);
        var before = await Portal.WithDbAsync(db => db.OperatorSettings.AsNoTracking().Select(s => s.Logo).SingleAsync(TestContext.Current.CancellationToken));

        var response = await PostAsync(staff, await CurrentFieldsAsync(), ("logo.svg", Encoding.UTF8.GetBytes(content)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-valmsg-for=\"Logo\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        var after = await Portal.WithDbAsync(db => db.OperatorSettings.AsNoTracking().Select(s => s.Logo).SingleAsync(TestContext.Current.CancellationToken));
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task A_safe_svg_logo_is_accepted()
    {
        var ct = TestContext.Current.CancellationToken;
        var staff = await Portal.LoginAsync(DemoData.StaffEmail);
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 10 10\"><defs><linearGradient id=\"g\"/></defs><rect width=\"10\" height=\"10\" fill=\"url(#g)\"/><use xlink:href=\"#g\"/></svg>";

        var response = await PostAsync(staff, await CurrentFieldsAsync(), ("logo.svg", Encoding.UTF8.GetBytes(svg)));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var logo = await staff.GetAsync("/brand/logo", ct);
        Assert.Equal("image/svg+xml", logo.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task A_logo_over_512_kb_is_refused()
    {
        var staff = await Portal.LoginAsync(DemoData.StaffEmail);
        var big = new byte[2 * 1024 * 1024];
        Png.CopyTo(big, 0);

        var response = await PostAsync(staff, await CurrentFieldsAsync(), ("big.png", big));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The logo must be at most 512 KB.", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    // The form as it stands, as the fields a browser would post (switches keyed "switch:Name").
    private Task<Dictionary<string, string>> CurrentFieldsAsync() => Portal.WithDbAsync(async db =>
    {
        var s = await db.OperatorSettings.AsNoTracking().SingleAsync(TestContext.Current.CancellationToken);
        var fields = new Dictionary<string, string>
        {
            ["Input.Name"] = s.Name,
            ["Input.LegalName"] = s.LegalName ?? "",
            ["Input.WelcomeMessage"] = s.WelcomeMessage ?? "",
            ["Input.PrimaryColor"] = s.PrimaryColor,
            ["Input.AccentColor"] = s.AccentColor,
            ["Input.TimeZoneId"] = s.TimeZoneId,
            ["Input.Currency"] = s.Currency,
            ["Input.SupportEmail"] = s.SupportEmail ?? "",
            ["Input.SupportPhone"] = s.SupportPhone ?? "",
            ["Input.Address"] = s.Address ?? "",
            ["Input.InvitationLifetimeHours"] = s.InvitationLifetimeHours.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Input.UsageExportLimit"] = s.UsageExportLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Input.AutopayReminderDays"] = s.AutopayReminderDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Input.AutopayRetryDays"] = s.AutopayRetryDays,
            ["Input.DisputeReasons"] = s.DisputeReasons,
        };
        foreach (var language in s.Languages.Split(','))
        {
            fields["language:" + language] = language;
        }

        foreach (var p in typeof(OperatorSettings).GetProperties().Where(p => p.PropertyType == typeof(bool) && (bool)p.GetValue(s)!))
        {
            fields["switch:" + p.Name] = p.Name;
        }

        return fields;
    });

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, Dictionary<string, string> fields, (string Name, byte[] Content)? logo = null)
    {
        var token = await PortalFactory.GetAntiforgeryTokenAsync(client, "/admin/settings");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
        };
        foreach (var (key, value) in fields)
        {
            var name = key.StartsWith("switch:", StringComparison.Ordinal) ? "Input.Switches"
                : key.StartsWith("language:", StringComparison.Ordinal) ? "Input.Languages"
                : key;
            form.Add(new StringContent(value), name);
        }

        if (logo is { } file)
        {
            var content = new ByteArrayContent(file.Content);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(content, "Logo", file.Name);
        }

        return await client.PostAsync("/admin/settings", form);
    }
}
