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
    [InlineData("Input.PrimaryColor", "#FFFF00")]
    [InlineData("Input.PrimaryColor", "#707070")]
    [InlineData("Input.AccentColor", "#66BB6A")]
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

    [Fact]
    public async Task A_colour_without_enough_contrast_is_refused_naming_the_field_and_its_ratio()
    {
        var ct = TestContext.Current.CancellationToken;
        var staff = await Portal.LoginAsync(DemoData.StaffEmail);
        var fields = await CurrentFieldsAsync();
        fields["Input.PrimaryColor"] = "#FFFF00";
        fields["Input.AccentColor"] = "#66BB6A";
        var audits = await Portal.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "settings.changed", ct));

        var response = await PostAsync(staff, fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(ct);
        Assert.Contains("The primary colour has a contrast of only 1:1", html, StringComparison.Ordinal);
        Assert.Contains("The accent colour has a contrast of only 2.", html, StringComparison.Ordinal);
        Assert.Contains("WCAG AA needs at least 4.5:1", html, StringComparison.Ordinal);
        var saved = await Portal.WithDbAsync(db => db.OperatorSettings.AsNoTracking().SingleAsync(ct));
        Assert.NotEqual("#FFFF00", saved.PrimaryColor);
        Assert.NotEqual("#66BB6A", saved.AccentColor);
        Assert.Equal(audits, await Portal.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "settings.changed", ct)));
    }

    [Fact]
    public async Task The_welcome_message_is_rendered_as_limited_markdown_and_script_or_html_in_it_is_inert()
    {
        var ct = TestContext.Current.CancellationToken;
        var staff = await Portal.LoginAsync(DemoData.StaffEmail);
        var fields = await CurrentFieldsAsync();
        fields["Input.WelcomeMessage"] = "Hello **valued** customer.\n<script>alert('welcome')</script> <img src=x onerror=alert(2)>\n![pixel](https://tracker.example/p.png) [bad](javascript:alert(3)) [help](https://help.example/start)";

        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(staff, fields)).StatusCode);

        var customer = await Portal.LoginAsync(DemoData.CustomerEmail);
        var overview = await customer.GetStringAsync("/", ct);
        var welcome = System.Text.RegularExpressions.Regex.Match(overview, "<div class=\"welcome-text\" data-test=\"welcome\">(.*?)</div>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("<strong>valued</strong>", welcome, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert", welcome, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", welcome, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", welcome, StringComparison.Ordinal);
        Assert.DoesNotContain("tracker.example", welcome, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", welcome, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://help.example/start\" rel=\"noopener noreferrer\">help</a>", welcome, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert('welcome')", overview, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_shows_the_overview_with_the_posted_values_and_saves_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var staff = await Portal.LoginAsync(DemoData.StaffEmail);
        var fields = await CurrentFieldsAsync();
        var before = await Portal.WithDbAsync(db => db.OperatorSettings.AsNoTracking().SingleAsync(ct));
        var audits = await Portal.WithDbAsync(db => db.AuditEntries.CountAsync(ct));
        fields["Input.Name"] = "Preview Portal";
        fields["Input.WelcomeMessage"] = "Only a **preview** <script>alert(1)</script>";
        fields["Input.PrimaryColor"] = "#123456";

        var response = await PostAsync(staff, fields, handler: "Preview");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(ct);
        Assert.Contains("data-test=\"preview\"", html, StringComparison.Ordinal);
        Assert.Contains("<strong>preview</strong>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/admin/settings/preview.css?primary=%23123456&amp;accent=", html, StringComparison.Ordinal);
        Assert.Contains("Preview Portal", html, StringComparison.Ordinal);
        // The form keeps the posted values, so "Save settings" saves what was previewed.
        Assert.Contains("value=\"#123456\"", html, StringComparison.Ordinal);
        var after = await Portal.WithDbAsync(db => db.OperatorSettings.AsNoTracking().SingleAsync(ct));
        Assert.Equal(before.Name, after.Name);
        Assert.Equal(before.WelcomeMessage, after.WelcomeMessage);
        Assert.Equal(before.PrimaryColor, after.PrimaryColor);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
        Assert.Equal(audits, await Portal.WithDbAsync(db => db.AuditEntries.CountAsync(ct)));

        var css = await staff.GetStringAsync("/admin/settings/preview.css?primary=%23123456&accent=%23225522", ct);
        Assert.Equal(".brand-preview{--brand:#123456;--brand-accent:#225522;}\n", css);
        var injected = await staff.GetStringAsync("/admin/settings/preview.css?primary=red;}body{display:none&accent=%23225522", ct);
        Assert.Contains("--brand:#1F4E79;", injected, StringComparison.Ordinal);
        var customer = await Portal.LoginAsync(DemoData.CustomerEmail);
        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync("/admin/settings/preview.css?primary=%23123456", ct)).StatusCode);
    }

    [Fact]
    public async Task Preview_with_a_colour_that_fails_contrast_shows_the_error_and_no_preview()
    {
        var staff = await Portal.LoginAsync(DemoData.StaffEmail);
        var fields = await CurrentFieldsAsync();
        fields["Input.PrimaryColor"] = "#FFFF00";

        var response = await PostAsync(staff, fields, handler: "Preview");

        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The primary colour has a contrast of only", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-test=\"preview\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Support_staff_cannot_preview_or_save()
    {
        var support = await Portal.LoginAsync(DemoData.SupportEmail);

        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(support, await CurrentFieldsAsync(), handler: "Preview")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(support, await CurrentFieldsAsync())).StatusCode);
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_is_refused_by_its_content_whatever_its_name()
    {
        var staff = await Portal.LoginAsync(DemoData.StaffEmail);
        var before = await Portal.WithDbAsync(db => db.OperatorSettings.AsNoTracking().Select(s => s.Logo).SingleAsync(TestContext.Current.CancellationToken));
        // A PDF's magic bytes, named as a PNG.
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF");

        var response = await PostAsync(staff, await CurrentFieldsAsync(), ("logo.png", pdf));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("neither a PNG nor", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(before, await Portal.WithDbAsync(db => db.OperatorSettings.AsNoTracking().Select(s => s.Logo).SingleAsync(TestContext.Current.CancellationToken)));
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

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, Dictionary<string, string> fields, (string Name, byte[] Content)? logo = null, string? handler = null)
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

        return await client.PostAsync(handler is null ? "/admin/settings" : "/admin/settings?handler=" + handler, form);
    }
}
