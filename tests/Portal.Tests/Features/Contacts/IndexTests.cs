using Portal.Data;
using Portal.Features.Accounts;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Contacts;

public sealed class IndexTests(PortalFactory portal)
{
    [Fact]
    public async Task Contacts_lists_the_accounts_active_contacts_primary_first_and_no_one_else()
    {
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var html = await client.GetStringAsync("/contacts", TestContext.Current.CancellationToken);

        Assert.Contains("Dana Whitfield", html, StringComparison.Ordinal);
        Assert.Contains("Marcus Lee", html, StringComparison.Ordinal);
        Assert.True(html.IndexOf("Dana Whitfield", StringComparison.Ordinal) < html.IndexOf("Marcus Lee", StringComparison.Ordinal));
        Assert.Contains("Primary", html, StringComparison.Ordinal);
        Assert.Contains("account manager", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Alice Moreau", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inactive_contacts_are_not_listed()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View);
        await portal.WithDbAsync(async db =>
        {
            db.Contacts.AddRange(
                new Contact { AccountId = account.Id, ExternalId = "A", Name = "Still Here", IsActive = true, UpdatedAt = DateTime.UtcNow },
                new Contact { AccountId = account.Id, ExternalId = "B", Name = "Long Gone", IsActive = false, UpdatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(ct);
        });
        var client = await portal.LoginAsync(account.Email);

        var html = await client.GetStringAsync("/contacts", ct);

        Assert.Contains("Still Here", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Long Gone", html, StringComparison.Ordinal);
    }
}
