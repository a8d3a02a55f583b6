using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Identity;
using Portal.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Overview;

/// <summary>Rows of a test's own, so that tests which change data never disturb the shared demo accounts.</summary>
internal static class Arrange
{
    public static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A new customer user with the demo password.</summary>
    public static async Task<PortalUser> UserAsync(PortalFactory portal, string? email = null)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        email ??= Unique("user-") + "@example.com";
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Test User", CreatedAt = DateTime.UtcNow };
        var result = await users.CreateAsync(user, DemoData.Password);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        return user;
    }

    public static Task<long> MembershipAsync(PortalFactory portal, string userId, long accountId, Permissions permissions) =>
        portal.WithDbAsync(async db =>
        {
            var membership = new Membership { UserId = userId, AccountId = accountId, Permissions = permissions, CreatedAt = DateTime.UtcNow };
            db.Memberships.Add(membership);
            await db.SaveChangesAsync();
            return membership.Id;
        });

    public static Task<long> AccountIdAsync(PortalFactory portal, string number) =>
        portal.WithDbAsync(db => Task.FromResult(db.Accounts.Single(a => a.Number == number).Id));

    /// <summary>A new account of its own; the number is returned with the id.</summary>
    public static Task<(long Id, string Number)> AccountAsync(PortalFactory portal, string? name = null, string? email = null) =>
        portal.WithDbAsync(async db =>
        {
            var number = Unique("T");
            var account = new Account
            {
                ExternalId = "EXT-" + number,
                Number = number,
                Name = name ?? "Test Company " + number,
                Email = email,
                Currency = "USD",
                BillDay = 15,
                Branch = "BOS",
                CreatedAt = DateTime.UtcNow,
                UpdatedAt = DateTime.UtcNow,
            };
            db.Accounts.Add(account);
            await db.SaveChangesAsync();
            return (account.Id, number);
        });

    public static Task<Invoice> InvoiceAsync(PortalFactory portal, long accountId, DateOnly issued, decimal total, string? branch, decimal? open = null) =>
        portal.WithDbAsync(async db =>
        {
            var number = Unique("TI-");
            var invoice = new Invoice
            {
                AccountId = accountId,
                ExternalId = "EXT-" + number,
                Number = number,
                IssueDate = issued,
                DueDate = issued.AddDays(30),
                Currency = "USD",
                Subtotal = total,
                Total = total,
                OpenAmount = open ?? total,
                Branch = branch,
                CreatedAt = DateTime.UtcNow,
                UpdatedAt = DateTime.UtcNow,
            };
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
            return invoice;
        });
}
