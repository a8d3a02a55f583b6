using System.Globalization;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.BrowserTests.Infrastructure;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Identity;
using Portal.Features.Invoices;

namespace Portal.BrowserTests.Features;

/// <summary>A clerk reads the statement, asks for the balance on a past date, and downloads the PDF, on a phone and a desktop.</summary>
public sealed class StatementsTests(BrowserFixture portal)
{
    private static readonly string[] Blocking = ["serious", "critical"];

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Statement_for_the_last_90_days_then_as_of_a_date_then_as_a_pdf(int width, int height)
    {
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page);
            await page.GotoAsync("/");
            await page.GetByRole(AriaRole.Link, new() { Name = "Statements", Exact = true }).First.ClickAsync();
            // Web-first assertions (they poll the URL and the element) rather than WaitForURL, which also waits for the
            // load event: a CI run timed out there at phone size with the URL already matched and the network idle.
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/statements$"));
            await Assertions.Expect(page.Locator("[data-test=opening]")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-bucket=over-90]")).ToHaveCountAsync(1);
            await AssertAccessibleAsync(page);

            var monthAgo = DateTime.Today.AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await page.GetByLabel("Balance as of").FillAsync(monthAgo);
            await page.GetByRole(AriaRole.Button, new() { Name = "Show balance" }).ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("asof=" + monthAgo));
            await Assertions.Expect(page.Locator("[data-test=closing]")).ToBeVisibleAsync();
            await AssertAccessibleAsync(page);

            var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-test=statement-pdf]").ClickAsync());
            Assert.EndsWith(".pdf", download.SuggestedFilename, StringComparison.Ordinal);

            await page.GetByLabel("From", new() { Exact = true }).FillAsync("2026-05-01");
            await page.GetByLabel("To", new() { Exact = true }).FillAsync("2026-01-01");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show statement" }).ClickAsync();
            await page.Locator("#from-error").WaitForAsync();
            await AssertAccessibleAsync(page);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task A_statement_longer_than_a_page_is_paged_forward_with_the_balance_brought_forward_and_back(int width, int height)
    {
        // 130 invoices in the default range (the last 90 days): the page holds 100 lines, the second the
        // other 30 after a "brought forward" line carrying the running balance of the first.
        var email = await NewAccountWithInvoicesAsync(130);
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page, email, PagerPassword);
            await page.GotoAsync("/statements");
            var lines = page.Locator("tr[data-kind]");
            Assert.Equal(100, await lines.CountAsync());
            Assert.Equal(0, await page.Locator("[data-test=brought-forward]").CountAsync());
            await AssertAccessibleAsync(page);

            await page.GetByRole(AriaRole.Link, new() { Name = "Next page", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(url => url.Contains("after=", StringComparison.Ordinal), BrowserFixture.Parsed);
            Assert.Equal(30, await lines.CountAsync());
            Assert.Equal(1, await page.Locator("[data-test=brought-forward]").CountAsync());
            Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Next page", Exact = true }).CountAsync());
            // The closing balance is the range's, whichever page shows it: all 130 invoices of 10.00, none paid.
            Assert.Contains("1,300.00", await page.Locator("[data-test=closing]").InnerTextAsync(), StringComparison.Ordinal);
            await AssertAccessibleAsync(page);

            await page.GetByRole(AriaRole.Link, new() { Name = "First page", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(url => !url.Contains("after=", StringComparison.Ordinal), BrowserFixture.Parsed);
            Assert.Equal(100, await lines.CountAsync());
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private const string PagerPassword = "amber-quarry-lantern-47";

    /// <summary>A new account with <paramref name="count"/> invoices of 10.00 over the last 80 days, and a user who may see its money.</summary>
    private async Task<string> NewAccountWithInvoicesAsync(int count)
    {
        var ct = TestContext.Current.CancellationToken;
        var tag = Guid.NewGuid().ToString("N")[..8];
        var email = $"statement-pager-{tag}@test.example";
        var now = DateTime.UtcNow;
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Pat Pager", CreatedAt = now };
        var created = await users.CreateAsync(user, PagerPassword);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));

        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var account = new Account { ExternalId = "PAGER-" + tag, Number = "P" + tag, Name = "Pager Works " + tag, Currency = "USD", CreatedAt = now, UpdatedAt = now };
        db.Accounts.Add(account);
        await db.SaveChangesAsync(ct);
        db.Memberships.Add(new Membership { UserId = user.Id, AccountId = account.Id, Permissions = Permissions.View | Permissions.SeeMoney, CreatedAt = now });
        var today = DateOnly.FromDateTime(now);
        for (var n = 0; n < count; n++)
        {
            var number = $"P{tag}-{n:D3}";
            var issued = today.AddDays(-80 + (n * 80 / count));
            var invoice = new Invoice
            {
                AccountId = account.Id,
                ExternalId = "X-" + number,
                Number = number,
                IssueDate = issued,
                DueDate = issued.AddDays(30),
                Currency = "USD",
                Subtotal = 10m,
                TaxTotal = 0m,
                Total = 10m,
                OpenAmount = 10m,
                CreatedAt = now,
                UpdatedAt = now,
            };
            invoice.Lines.Add(new InvoiceLine { LineNumber = 1, ProductCode = "SVC", Description = "Service " + number, Quantity = 1, Unit = "each", UnitPrice = 10m, Amount = 10m });
            db.Invoices.Add(invoice);
        }

        await db.SaveChangesAsync(ct);
        return email;
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Statement_e_mails_are_set_to_weekly_and_back_to_monthly_under_my_account(int width, int height)
    {
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page);
            await page.GotoAsync("/settings");
            await page.GetByRole(AriaRole.Link, new() { Name = "Statement e-mails", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/settings/statements", BrowserFixture.Parsed);
            // The demo customer has Bayside's statement e-mailed monthly, and the last one was sent.
            Assert.Equal(1, await page.Locator("[data-subscription=\"10001\"]").CountAsync());
            await AssertAccessibleAsync(page);

            await page.GetByLabel("Weekly", new() { Exact = true }).CheckAsync();
            await page.GetByLabel("Day of the week (weekly)").SelectOptionAsync(new SelectOptionValue { Label = "Friday" });
            await page.Locator("[data-test=save-schedule]").ClickAsync();
            await page.Locator("[data-subscription=\"10001\"]", new() { HasText = "weekly on Friday" }).WaitForAsync();
            Assert.Contains("weekly on Friday", await page.Locator("[data-test=current-schedule]").InnerTextAsync(), StringComparison.Ordinal);
            await AssertAccessibleAsync(page);

            await page.GetByLabel("Monthly", new() { Exact = true }).CheckAsync();
            await page.GetByLabel("Day of the month (monthly)").SelectOptionAsync("1");
            await page.Locator("[data-test=save-schedule]").ClickAsync();
            await page.Locator("[data-subscription=\"10001\"]", new() { HasText = "monthly on day 1" }).WaitForAsync();
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        var violations = result.Violations.Where(v => Blocking.Contains(v.Impact)).Select(v => $"{v.Id}: {v.Help} {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}").ToList();
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }
}
