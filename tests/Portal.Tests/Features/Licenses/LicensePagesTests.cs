using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Accounts;
using Portal.Features.Licenses;
using Portal.Tests.Features.Contracts;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Licenses;

public sealed class LicensePagesTests(PortalFactory portal)
{
    private static async Task<List<License>> ArrangeAsync(PortalFactory portal, ArrangedAccount account)
    {
        var today = await RentalTestData.TodayAsync(portal);
        License New(string name, string code, int? expiresIn, MaintenanceStatus maintenance, int? maintenanceEndsIn) => new()
        {
            AccountId = account.Id,
            ExternalId = account.Prefix + name,
            ProductCode = name.ToUpperInvariant(),
            ProductName = name,
            LicenseCode = code,
            Seats = 5,
            Version = "1.0",
            IssuedOn = today.AddDays(-100),
            ExpiresOn = expiresIn is int e ? today.AddDays(e) : null,
            Maintenance = maintenance,
            MaintenanceEndsOn = maintenanceEndsIn is int m ? today.AddDays(m) : null,
            UpdatedAt = DateTime.UtcNow,
        };
        List<License> licenses =
        [
            New("Alpha", "SECRET-ALPHA-" + account.Prefix, 20, MaintenanceStatus.Active, 20),
            New("Bravo", "SECRET-BRAVO-" + account.Prefix, 75, MaintenanceStatus.Active, 75),
            New("Charlie", "SECRET-CHARLIE-" + account.Prefix, null, MaintenanceStatus.Active, -3),
        ];
        await portal.WithDbAsync(async db =>
        {
            db.Licenses.AddRange(licenses);
            await db.SaveChangesAsync();
        });
        return licenses;
    }

    [Fact]
    public async Task A_license_code_is_never_in_the_page_until_revealed_and_the_reveal_is_in_the_trail()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View);
        var licenses = await ArrangeAsync(portal, account);
        var client = await portal.LoginAsync(account.Email);

        var page = await client.GetStringAsync("/licenses", ct);
        Assert.Contains("Alpha", page, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-", page, StringComparison.Ordinal);
        var export = await client.GetStringAsync("/licenses/export", ct);
        Assert.Contains("Bravo", export, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-", export, StringComparison.Ordinal);

        var revealed = await PageForms.PostAsync(client, "/licenses?filter=lapsed", "Reveal", new Dictionary<string, string> { ["id"] = licenses[2].Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(HttpStatusCode.OK, revealed.StatusCode);
        var html = await revealed.Content.ReadAsStringAsync(ct);
        Assert.Contains(licenses[2].LicenseCode, html, StringComparison.Ordinal);
        Assert.DoesNotContain(licenses[0].LicenseCode, html, StringComparison.Ordinal);
        var trail = await portal.WithDbAsync(db => db.ActivityEntries.AsNoTracking().Where(a => a.AccountId == account.Id && a.Action == "license.code_revealed").ToListAsync(ct));
        Assert.Contains("Charlie", Assert.Single(trail).Detail, StringComparison.Ordinal);

        // Another account's license: not found, and nothing recorded.
        var other = await InvoiceTestData.NewAccountAsync(portal, Permissions.View);
        var foreign = await portal.LoginAsync(other.Email);
        var refused = await PortalFactory.PostFormAsync(foreign, "/licenses?handler=Reveal", new Dictionary<string, string> { ["id"] = licenses[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, "/licenses");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.DoesNotContain(licenses[0].LicenseCode, await refused.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(0, await portal.WithDbAsync(db => db.ActivityEntries.CountAsync(a => a.AccountId == other.Id && a.Action == "license.code_revealed", ct)));
    }

    [Fact]
    public async Task Licenses_filter_by_expiry_window_and_lapsed_maintenance_and_sort_by_expiry()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View);
        await ArrangeAsync(portal, account);
        var client = await portal.LoginAsync(account.Email);

        var in30 = await client.GetStringAsync("/licenses?filter=expiring30", ct);
        var in90 = await client.GetStringAsync("/licenses?filter=expiring90", ct);
        var lapsed = await client.GetStringAsync("/licenses?filter=lapsed", ct);
        var byExpiry = await client.GetStringAsync("/licenses?sort=expires", ct);
        var csv = await client.GetStringAsync("/licenses/export?filter=lapsed", ct);

        Assert.Contains("Alpha", in30, StringComparison.Ordinal);
        Assert.DoesNotContain("Bravo", in30, StringComparison.Ordinal);
        Assert.Contains("Bravo", in90, StringComparison.Ordinal);
        Assert.DoesNotContain("Charlie", in90, StringComparison.Ordinal);
        Assert.Contains("Charlie", lapsed, StringComparison.Ordinal);
        Assert.Contains("Lapsed", lapsed, StringComparison.Ordinal);
        Assert.DoesNotContain("Alpha", lapsed, StringComparison.Ordinal);
        Assert.True(byExpiry.IndexOf("Alpha", StringComparison.Ordinal) < byExpiry.IndexOf("Bravo", StringComparison.Ordinal));
        Assert.True(byExpiry.IndexOf("Bravo", StringComparison.Ordinal) < byExpiry.IndexOf("Charlie", StringComparison.Ordinal));
        var lines = csv.Trim('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("Charlie,CHARLIE,5,1.0,", lines[1], StringComparison.Ordinal);
        Assert.Contains("lapsed", lines[1], StringComparison.Ordinal);
    }
}
