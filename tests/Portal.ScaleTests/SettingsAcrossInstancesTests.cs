using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Operator;
using Portal.ScaleTests.Infrastructure;

namespace Portal.ScaleTests;

/// <summary>
/// A change an administrator saves in the console through one instance is in force on every instance within
/// seconds: each instance caches the settings for <c>OperatorSettingsCache.Lifetime</c> and no longer.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SettingsAcrossInstancesTests(ScaleCluster cluster)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_switch_saved_on_one_instance_is_in_force_on_all_three_within_seconds()
    {
        await cluster.RestoreAsync(Ct);
        using var staff = new Browser(cluster, "127.0.0.70");
        var (login, _, _) = await staff.LogInAsync(DemoData.StaffEmail, DemoData.Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        // Every instance has the page on, and has cached that.
        await WaitOnEveryInstanceAsync(HttpStatusCode.OK, Stopwatch.StartNew());

        // Off through the console (forgot password is the easiest switch to see without signing in: its page answers 404).
        var (savedBy, off) = await SaveAsync(staff, forgotPassword: false);
        var offDelays = await WaitOnEveryInstanceAsync(HttpStatusCode.NotFound, off);
        var (restoredBy, on) = await SaveAsync(staff, forgotPassword: true);
        var onDelays = await WaitOnEveryInstanceAsync(HttpStatusCode.OK, on);

        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"switched off through {savedBy}: in force after {Describe(offDelays)}");
        output?.WriteLine($"switched on through {restoredBy}: in force after {Describe(onDelays)}");
        Assert.All(offDelays.Concat(onDelays), d => Assert.True(d.Delay < Bound, $"{d.Instance} took {d.Delay.TotalSeconds:0.0} s"));
    }

    /// <summary>Posts the console's settings form as it stands with the forgot-password switch set; returns the instance that saved it and a clock started at its answer.</summary>
    private async Task<(string Instance, Stopwatch Since)> SaveAsync(Browser staff, bool forgotPassword)
    {
        var (token, _) = await staff.FormAsync("/admin/settings");
        using var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } };
        foreach (var (name, value) in await CurrentFieldsAsync(forgotPassword))
        {
            form.Add(new StringContent(value), name);
        }

        using var response = await staff.Http.PostAsync(new Uri("/admin/settings", UriKind.Relative), form, Ct);
        var since = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await using var db = cluster.Db();
        Assert.Equal(forgotPassword, (await db.OperatorSettings.AsNoTracking().SingleAsync(Ct)).ForgotPasswordEnabled);
        return (Browser.Upstream(response), since);
    }

    /// <summary>The form's fields as the console draws them from the stored settings.</summary>
    private async Task<List<(string Name, string Value)>> CurrentFieldsAsync(bool forgotPassword)
    {
        await using var db = cluster.Db();
        var s = await db.OperatorSettings.AsNoTracking().SingleAsync(Ct);
        s.ForgotPasswordEnabled = forgotPassword;
        var fields = new List<(string, string)>
        {
            ("Input.Name", s.Name),
            ("Input.LegalName", s.LegalName ?? ""),
            ("Input.WelcomeMessage", s.WelcomeMessage ?? ""),
            ("Input.PrimaryColor", s.PrimaryColor),
            ("Input.AccentColor", s.AccentColor),
            ("Input.TimeZoneId", s.TimeZoneId),
            ("Input.Currency", s.Currency),
            ("Input.SupportEmail", s.SupportEmail ?? ""),
            ("Input.SupportPhone", s.SupportPhone ?? ""),
            ("Input.Address", s.Address ?? ""),
            ("Input.InvitationLifetimeHours", s.InvitationLifetimeHours.ToString(CultureInfo.InvariantCulture)),
            ("Input.UsageExportLimit", s.UsageExportLimit.ToString(CultureInfo.InvariantCulture)),
            ("Input.AutopayReminderDays", s.AutopayReminderDays.ToString(CultureInfo.InvariantCulture)),
            ("Input.AutopayRetryDays", s.AutopayRetryDays),
            ("Input.DisputeReasons", s.DisputeReasons),
        };
        fields.AddRange(s.Languages.Split(',').Select(language => ("Input.Languages", language)));
        fields.AddRange(typeof(OperatorSettings).GetProperties()
            .Where(p => p.PropertyType == typeof(bool) && (bool)p.GetValue(s)!)
            .Select(p => ("Input.Switches", p.Name)));
        return fields;
    }

    /// <summary>
    /// Asks each instance directly (not through nginx, so each is asked) for the forgot-password page every 100 ms
    /// until it answers <paramref name="expected"/>; returns how long after <paramref name="since"/> each did.
    /// </summary>
    private async Task<List<(string Instance, TimeSpan Delay)>> WaitOnEveryInstanceAsync(HttpStatusCode expected, Stopwatch since)
    {
        return [.. await Task.WhenAll(cluster.Portals.Select(async portal =>
        {
            // From nginx's address with its forwarded scheme: the instance serves the page as it would through the proxy.
            using var direct = ScaleCluster.Direct(portal, Nginx.ProxyAddress);
            while (true)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/forgot-password");
                request.Headers.Add("X-Forwarded-Proto", "https");
                using var response = await direct.SendAsync(request, Ct);
                if (response.StatusCode == expected)
                {
                    return (portal.Name, since.Elapsed);
                }

                Assert.True(since.Elapsed < Bound, $"{portal.Name} still answers {response.StatusCode} after {since.Elapsed.TotalSeconds:0.0} s");
                await Task.Delay(100, Ct);
            }
        }))];
    }

    private static string Describe(List<(string Instance, TimeSpan Delay)> delays) =>
        string.Join(", ", delays.Select(d => $"{d.Instance} {d.Delay.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s"));
}
