using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.BrowserTests.Infrastructure;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Identity;

namespace Portal.BrowserTests.Features;

/// <summary>
/// The operator's administrator runs the portal without a developer: invites a support colleague at
/// <c>/admin/staff</c>, disables a customer's login at <c>/admin/users/{id}</c>, finds it in
/// <c>/admin/audit</c>, and the disabled user is told so at the login; on a phone and a desktop, axe on every page.
/// </summary>
public sealed class AdminConsoleUsersTests(BrowserFixture portal)
{
    private static readonly string[] Blocking = ["serious", "critical"];

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Staff_invite_a_colleague_disable_a_user_and_find_both_in_the_audit_log(int width, int height)
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var colleague = $"support-{unique}@example.com";
        var (userId, userEmail) = await AddCustomerUserAsync($"leaver-{unique}@bayside.example");
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page, DemoData.StaffEmail);

            await page.GotoAsync("/admin/staff");
            Assert.True(await page.Locator($"tr[data-test='staff-{DemoData.SupportEmail}']").IsVisibleAsync());
            await AssertFitsAndAccessibleAsync(page, width);
            var invite = page.Locator("section[aria-labelledby=invite-heading]");
            await invite.GetByLabel("E-mail address").FillAsync(colleague);
            await invite.GetByLabel("Name").FillAsync("New Colleague");
            await invite.GetByLabel("Role").SelectOptionAsync("Support");
            await invite.GetByRole(AriaRole.Button, new() { Name = "Send the invitation" }).ClickAsync();
            await page.WaitForURLAsync(url => url.Contains("done=invited", StringComparison.Ordinal), BrowserFixture.Parsed);
            Assert.True(await page.Locator($"tr[data-test='staff-{colleague}']").IsVisibleAsync());
            await AssertFitsAndAccessibleAsync(page, width);

            await page.GotoAsync($"/admin/users/{userId}");
            await AssertFitsAndAccessibleAsync(page, width);
            // A destructive action asks first: open the confirm step, then confirm.
            await page.Locator("[data-test=disable] > summary").ClickAsync();
            await page.Locator("[data-test=disable] button[type=submit]").ClickAsync();
            await page.WaitForURLAsync(url => url.Contains("done=disabled", StringComparison.Ordinal), BrowserFixture.Parsed);
            Assert.True(await page.Locator("[data-test=disabled-badge]").IsVisibleAsync());
            Assert.True(await page.Locator("[data-test=enable]").IsVisibleAsync());
            await AssertFitsAndAccessibleAsync(page, width);

            await page.GotoAsync("/admin/audit");
            await page.Locator("#action").SelectOptionAsync("user.disabled");
            await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
            await page.WaitForURLAsync(url => url.Contains("action=user.disabled", StringComparison.Ordinal), BrowserFixture.Parsed);
            var row = page.Locator("tr[data-audit-id]", new() { HasText = userEmail });
            Assert.Equal(1, await row.CountAsync());
            Assert.Contains(DemoData.StaffEmail, await row.InnerTextAsync(), StringComparison.Ordinal);
            await AssertFitsAndAccessibleAsync(page, width);
            await page.GotoAsync("/admin/audit?action=staff.invited");
            Assert.Equal(1, await page.Locator("tr[data-audit-id]", new() { HasText = colleague }).CountAsync());
            await page.Context.CloseAsync();

            // The disabled user is refused with a clear message, not a generic failure.
            page = await portal.NewPageAsync(width, height);
            await page.GotoAsync("/login");
            await page.Locator("input[name='Input.Login']").FillAsync(userEmail);
            await page.Locator("input[name='Input.Password']").FillAsync(DemoData.Password);
            await page.Locator("input[name='Input.Password']").PressAsync("Enter");
            await page.GetByText("This login has been disabled").WaitForAsync();
            Assert.StartsWith("/login", new Uri(page.Url).AbsolutePath, StringComparison.OrdinalIgnoreCase);
            await AssertFitsAndAccessibleAsync(page, width);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Support_staff_read_the_audit_log_but_are_refused_the_staff_page(int width, int height)
    {
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page, DemoData.SupportEmail);

            await page.GotoAsync("/admin/audit");
            Assert.True(await page.Locator("tr[data-audit-id]").CountAsync() >= 1, "The demo audit log has entries.");
            await AssertFitsAndAccessibleAsync(page, width);
            var refused = await page.GotoAsync("/admin/staff");
            Assert.Equal(403, refused!.Status);
            await AssertFitsAndAccessibleAsync(page, width);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private async Task<(string Id, string Email)> AddCustomerUserAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTime.UtcNow };
        var created = await users.CreateAsync(user, DemoData.Password);
        Assert.True(created.Succeeded);
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var bayside = await db.Accounts.Where(a => a.Number == "10001").Select(a => a.Id).SingleAsync();
        db.Memberships.Add(new Membership { UserId = user.Id, AccountId = bayside, Permissions = Permissions.View, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
        return (user.Id, email);
    }

    private static async Task AssertFitsAndAccessibleAsync(IPage page, int width)
    {
        if (width <= 400)
        {
            var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            Assert.True(widths[0] <= widths[1], $"{page.Url} overflows horizontally at {width}px: {widths[0]} > {widths[1]}.");
        }

        var result = await page.RunAxe();
        var violations = result.Violations.Where(v => Blocking.Contains(v.Impact)).Select(v => $"{v.Id}: {v.Help} {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}").ToList();
        Assert.True(violations.Count == 0, page.Url + "\n" + string.Join("\n", violations));
    }
}
