using System.Net;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.ActivityTrail;

public sealed class ActivityTrailTests(PortalFactory portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_user_administrator_sees_the_logins_and_failed_logins_of_the_account_users_newest_first()
    {
        var account = await portal.NewAccountAsync();
        var adminEmail = $"useradmin-{AuthFlowData.Unique()}@test.example";
        var memberEmail = $"member-{AuthFlowData.Unique()}@test.example";
        await portal.NewUserAsync(adminEmail, account.Id, Permissions.View | Permissions.ManageUsers);
        await portal.NewUserAsync(memberEmail, account.Id, Permissions.View);
        await PortalFactory.PostFormAsync(portal.CreateBrowserClient(), "/login", new Dictionary<string, string> { ["Input.Login"] = memberEmail, ["Input.Password"] = "not-my-password" });
        await portal.LoginAsync(memberEmail, AuthFlowData.StrongPassword);
        var admin = await portal.LoginAsync(adminEmail, AuthFlowData.StrongPassword);

        var html = await (await admin.GetAsync("/activity?kind=login", Ct)).HtmlAsync();
        Assert.Contains("<a href=\"/activity\" aria-current=\"page\">", html, StringComparison.Ordinal);

        var succeeded = html.IndexOf("data-action=\"login.succeeded\">Logged in</td>\n                    <td data-label=\"Who\">" + memberEmail, StringComparison.Ordinal);
        var failed = html.IndexOf("data-action=\"login.failed\">Failed login</td>\n                    <td data-label=\"Who\">" + memberEmail, StringComparison.Ordinal);
        Assert.True(succeeded >= 0, "the member's login is listed");
        Assert.True(failed > succeeded, "the earlier failed login comes after it");
        Assert.DoesNotContain(DemoData.CustomerEmail, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failed_logins_and_the_lockout_are_recorded_with_the_submitted_login()
    {
        var email = $"locked-{AuthFlowData.Unique()}@test.example";
        await portal.NewUserAsync(email);
        var client = portal.CreateBrowserClient();
        for (var i = 0; i < 6; i++)
        {
            await PortalFactory.PostFormAsync(client, "/login", new Dictionary<string, string> { ["Input.Login"] = email, ["Input.Password"] = "wrong-password-" + i });
        }

        var actions = await portal.ActionsAsync(email);

        Assert.Equal(4, actions.Count(a => a == "login.failed"));
        Assert.Equal(2, actions.Count(a => a == "login.locked_out"));
    }

    [Fact]
    public async Task Users_who_may_not_manage_users_cannot_read_the_trail()
    {
        var account = await portal.NewAccountAsync();
        var email = $"viewer-{AuthFlowData.Unique()}@test.example";
        await portal.NewUserAsync(email, account.Id, Permissions.View | Permissions.Pay);
        var client = await portal.LoginAsync(email, AuthFlowData.StrongPassword);

        var response = await client.GetAsync("/activity", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("href=\"/activity\"", await (await client.GetAsync("/", Ct)).HtmlAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_find_a_failed_login_for_an_unknown_email_in_the_console()
    {
        var unknown = $"ghost-{AuthFlowData.Unique()}@test.example";
        await PortalFactory.PostFormAsync(portal.CreateBrowserClient(), "/login", new Dictionary<string, string> { ["Input.Login"] = unknown, ["Input.Password"] = "whatever-it-is" });
        var staff = await portal.LoginAsync(DemoData.StaffEmail);

        var html = await (await staff.GetAsync($"/admin/activity?email={Uri.EscapeDataString(unknown)}&kind=login", Ct)).HtmlAsync();

        Assert.Contains("login.failed", html, StringComparison.Ordinal);
        Assert.Contains(unknown, html, StringComparison.Ordinal);
        Assert.Contains("unknown login", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_console_trail_pages_with_a_cursor()
    {
        var email = $"pager-{AuthFlowData.Unique()}@test.example";
        await portal.WithDbAsync(async db =>
        {
            var at = DateTime.UtcNow;
            for (var i = 0; i < 55; i++)
            {
                db.ActivityEntries.Add(new Portal.Infrastructure.Activity.ActivityEntry { Action = "login.failed", Subject = email, Detail = $"n{i:00}", OccurredAt = at.AddSeconds(i) });
            }

            await db.SaveChangesAsync(Ct);
        });
        var staff = await portal.LoginAsync(DemoData.StaffEmail);

        var first = await (await staff.GetAsync($"/admin/activity?email={Uri.EscapeDataString(email)}", Ct)).HtmlAsync();
        var next = System.Text.RegularExpressions.Regex.Match(first, "after=([0-9-]+)").Groups[1].Value;
        var second = await (await staff.GetAsync($"/admin/activity?email={Uri.EscapeDataString(email)}&after={next}", Ct)).HtmlAsync();

        Assert.Contains(">n54<", first, StringComparison.Ordinal);
        Assert.Contains(">n05<", first, StringComparison.Ordinal);
        Assert.DoesNotContain(">n04<", first, StringComparison.Ordinal);
        Assert.Contains(">n04<", second, StringComparison.Ordinal);
        Assert.Contains(">n00<", second, StringComparison.Ordinal);
        Assert.DoesNotContain(">n05<", second, StringComparison.Ordinal);
    }
}
