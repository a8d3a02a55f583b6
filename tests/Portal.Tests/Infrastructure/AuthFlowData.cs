using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Features.Identity;
using Portal.Features.Invoices;

namespace Portal.Tests.Infrastructure;

/// <summary>Rows of their own for the sign-in flows' tests: accounts, users, and the links mailed to them.</summary>
public static partial class AuthFlowData
{
    public const string StrongPassword = "violet-harbor-lantern-42";

    public sealed record TestAccount(long Id, string Number, string Name, string Phone, string Email, string PostalCode);

    public static string Unique() => Guid.NewGuid().ToString("N")[..10];

    public static async Task<TestAccount> NewAccountAsync(this PortalFactory portal, AccountType type = AccountType.Credit, bool withInvoice = true)
    {
        var unique = Unique();
        var digits = string.Concat(Guid.NewGuid().ToByteArray().Take(7).Select(b => (b % 10).ToString(CultureInfo.InvariantCulture)));
        var phone = "555" + digits;
        var now = DateTime.UtcNow;
        var account = new Account
        {
            ExternalId = "T-" + unique,
            Number = "T" + unique,
            Name = "Test account " + unique,
            Email = $"ap-{unique}@test.example",
            Phone = phone,
            PostalCode = "02139",
            Currency = "USD",
            Type = type,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await portal.WithDbAsync(async db =>
        {
            db.Accounts.Add(account);
            await db.SaveChangesAsync();
            if (withInvoice)
            {
                db.Invoices.Add(new Invoice
                {
                    AccountId = account.Id,
                    ExternalId = "TI-" + unique,
                    Number = "TI-" + unique,
                    Currency = "USD",
                    IssueDate = new DateOnly(2026, 10, 1),
                    DueDate = new DateOnly(2026, 10, 31),
                    Total = 100m,
                    Subtotal = 100m,
                    OpenAmount = 100m,
                    CreatedAt = now,
                    UpdatedAt = now,
                });
                await db.SaveChangesAsync();
            }
        });
        return new TestAccount(account.Id, account.Number, account.Name, phone, account.Email, account.PostalCode);
    }

    public static async Task<PortalUser> NewUserAsync(this PortalFactory portal, string email, long? accountId = null, Permissions permissions = Permissions.View)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTime.UtcNow };
        var result = await users.CreateAsync(user, StrongPassword);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        if (accountId is long id)
        {
            var db = scope.ServiceProvider.GetRequiredService<Portal.Data.PortalDb>();
            db.Memberships.Add(new Membership { UserId = user.Id, AccountId = id, Permissions = permissions, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        return user;
    }

    /// <summary>The path and query of the link in the newest e-mail of that kind to that address.</summary>
    public static async Task<string?> LinkInLatestEmailAsync(this PortalFactory portal, string to, string kind)
    {
        var body = await portal.WithDbAsync(db => db.EmailMessages.AsNoTracking()
            .Where(m => m.To == to && m.Kind == kind).OrderByDescending(m => m.Id).Select(m => m.TextBody).FirstOrDefaultAsync());
        if (body is null)
        {
            return null;
        }

        var match = Link().Match(body);
        return match.Success ? new Uri(match.Value).PathAndQuery : null;
    }

    public static Task<int> EmailCountAsync(this PortalFactory portal, string to, string kind) =>
        portal.WithDbAsync(db => db.EmailMessages.CountAsync(m => m.To == to && m.Kind == kind));

    public static Task<List<string>> ActionsAsync(this PortalFactory portal, string subject) =>
        portal.WithDbAsync(db => db.ActivityEntries.AsNoTracking().Where(a => a.Subject == subject).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());

    public static async Task<string> HtmlAsync(this HttpResponseMessage response) =>
        System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex Link();
}
