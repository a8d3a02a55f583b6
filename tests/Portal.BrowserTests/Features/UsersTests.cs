using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.BrowserTests.Infrastructure;
using Portal.Features.Accounts;
using Portal.Features.Identity;

namespace Portal.BrowserTests.Features;

/// <summary>A customer's administrator invites a colleague with fewer permissions and removes a leaver, on a phone and a desktop.</summary>
public sealed class UsersTests(BrowserFixture portal)
{
    private static readonly string[] Blocking = ["serious", "critical"];

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task An_administrator_invites_a_colleague_with_fewer_permissions_and_removes_a_user(int width, int height)
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var colleague = $"colleague-{unique}@bayside.example";
        var leaver = $"leaver-{unique}@bayside.example";
        await AddBaysideUserAsync(leaver);
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page);
            await page.GotoAsync("/invoices");
            Assert.Equal(1, await page.Locator("nav.sidenav a[href='/users']").CountAsync());
            await page.GotoAsync("/users");
            await AssertAccessibleAsync(page);

            var invite = page.Locator("section[aria-labelledby=invite-heading]");
            await invite.GetByLabel("E-mail address").FillAsync(colleague);
            await invite.GetByLabel("Pay", new() { Exact = true }).CheckAsync();
            await invite.GetByRole(AriaRole.Button, new() { Name = "Send the invitation" }).ClickAsync();
            await page.WaitForURLAsync(url => url.Contains("done=invited", StringComparison.Ordinal), BrowserFixture.Parsed);
            Assert.True(await page.Locator($"[data-test=invitation][data-email='{colleague}']").IsVisibleAsync());
            await AssertAccessibleAsync(page);

            await page.Locator($"[data-test=member][data-email='{leaver}'] [data-test=remove]").ClickAsync();
            await page.WaitForURLAsync(url => url.Contains("done=removed", StringComparison.Ordinal), BrowserFixture.Parsed);
            Assert.Equal(0, await page.Locator($"[data-test=member][data-email='{leaver}']").CountAsync());
            await AssertAccessibleAsync(page);

            var invited = await portal.WithDbAsync(db => db.Invitations.Where(i => i.Email == colleague).Select(i => i.Permissions).SingleAsync());
            Assert.Equal(Permissions.View | Permissions.Pay, invited);
            Assert.False(await portal.WithDbAsync(db => db.Memberships.AnyAsync(m => m.User!.Email == leaver)));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private async Task AddBaysideUserAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTime.UtcNow };
        var created = await users.CreateAsync(user, "violet-harbor-lantern-42");
        Assert.True(created.Succeeded);
        var db = scope.ServiceProvider.GetRequiredService<Portal.Data.PortalDb>();
        var bayside = await db.Accounts.Where(a => a.Number == "10001").Select(a => a.Id).SingleAsync();
        db.Memberships.Add(new Membership { UserId = user.Id, AccountId = bayside, Permissions = Permissions.View, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
    }

    private static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        var violations = result.Violations.Where(v => Blocking.Contains(v.Impact)).Select(v => $"{v.Id}: {v.Help} {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}").ToList();
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }
}
