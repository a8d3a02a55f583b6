using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.BrowserTests.Infrastructure;
using Portal.Features.Accounts;
using Portal.Features.Invitations;

namespace Portal.BrowserTests.Features;

/// <summary>The sign-in flows as a person goes through them: an invitation e-mail's link, then forgot password.</summary>
public sealed class SignInFlowsTests(BrowserFixture portal)
{
    [Fact]
    public async Task An_invited_person_sets_a_password_lands_on_the_overview_and_later_resets_the_password()
    {
        var email = $"browser-{Guid.NewGuid():N}@test.example";
        var accountId = await portal.WithDbAsync(db => db.Accounts.Where(a => a.Number == "20001").Select(a => a.Id).SingleAsync());
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<InvitationService>().InviteAsync(accountId, email, Permissions.View | Permissions.SeeMoney, null, TestContext.Current.CancellationToken);
            Assert.IsType<InvitationResult.Success>(result);
        }

        var page = await portal.NewPageAsync(390, 844);
        try
        {
            await page.GotoAsync(await LinkAsync(email, "invitation"));
            await page.GetByLabel("Your name").FillAsync("Brooke Browser");
            await page.GetByLabel("Choose a password").FillAsync("lantern-orchard-rowing-8");
            await page.GetByLabel("Repeat the password").FillAsync("lantern-orchard-rowing-8");
            await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Create my login" }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/", BrowserFixture.Parsed);
            Assert.Contains("Greenleaf", await page.ContentAsync(), StringComparison.Ordinal);

            await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
            await page.GotoAsync("/forgot-password");
            await page.GetByLabel("E-mail address").FillAsync(email);
            await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Send the link" }).ClickAsync();
            await page.Locator("#forgot-sent").WaitForAsync();

            await page.GotoAsync(await LinkAsync(email, "password-reset"));
            await page.GetByLabel("New password").FillAsync("common");
            await page.GetByLabel("Repeat the password").FillAsync("common");
            await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Save the new password" }).ClickAsync();
            Assert.Contains("at least 8 characters", await page.ContentAsync(), StringComparison.OrdinalIgnoreCase);
            await page.GetByLabel("New password").FillAsync("meadow-copper-sailing-3");
            await page.GetByLabel("Repeat the password").FillAsync("meadow-copper-sailing-3");
            await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Save the new password" }).ClickAsync();
            await page.Locator("#reset-done").WaitForAsync();

            await BrowserFixture.LoginAsync(page, email, "meadow-copper-sailing-3");
            Assert.Contains("Greenleaf", await page.ContentAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private async Task<string> LinkAsync(string to, string kind)
    {
        var body = await portal.WithDbAsync(db => db.EmailMessages.AsNoTracking().Where(m => m.To == to && m.Kind == kind)
            .OrderByDescending(m => m.Id).Select(m => m.TextBody).FirstAsync());
        var link = System.Text.RegularExpressions.Regex.Match(body, @"https?://\S+").Value;
        return new Uri(link).PathAndQuery;
    }
}
