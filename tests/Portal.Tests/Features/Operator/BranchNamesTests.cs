using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Tests.Features.Overview;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Operator;

/// <summary>People read a branch's name ("Boston"), not the code the billing system sends ("BOS").</summary>
public sealed class BranchNamesTests(PortalFactory portal)
{
    [Theory]
    [InlineData("BOS", "Boston")]
    [InlineData("bos", "Boston")]
    [InlineData("PVD", "Providence")]
    [InlineData("WOR", "WOR")]
    [InlineData(null, "")]
    public void A_code_reads_as_the_operators_name_for_it_or_as_itself(string? code, string shown)
    {
        var settings = new OperatorSettings { BranchNames = "BOS = Boston\nPVD=Providence\nbroken line\nMHT =" };

        Assert.Equal(shown, settings.BranchName(code));
    }

    [Fact]
    public async Task The_invoice_and_the_console_show_the_branch_by_its_name()
    {
        var ct = TestContext.Current.CancellationToken;
        var branch = Arrange.Unique("B").ToUpperInvariant()[..8];
        var (accountId, number) = await Arrange.AccountAsync(portal);
        await portal.WithDbAsync(db => db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(u => u.SetProperty(a => a.Branch, branch), ct));
        var invoice = await Arrange.InvoiceAsync(portal, accountId, new DateOnly(2026, 11, 1), 75m, branch);
        var user = await Arrange.UserAsync(portal);
        await Arrange.MembershipAsync(portal, user.Id, accountId, Permissions.All);
        string before = "";
        await portal.WithDbAsync(async db =>
        {
            var settings = await db.OperatorSettings.SingleAsync(ct);
            before = settings.BranchNames;
            settings.BranchNames = $"{before}\n{branch} = Springfield Yard".Trim();
            await db.SaveChangesAsync(ct);
        });
        portal.Services.GetRequiredService<OperatorSettingsCache>().Invalidate();
        try
        {
            var customer = await portal.LoginAsync(user.Email!);
            var details = await customer.GetStringAsync($"/invoices/{invoice.Number}", ct);
            var staff = await portal.LoginAsync(Portal.Data.DemoData.StaffEmail);
            var console = await staff.GetStringAsync($"/admin/accounts/{number}", ct);

            Assert.Contains("<dd>Springfield Yard</dd>", details, StringComparison.Ordinal);
            Assert.DoesNotContain($"<dd>{branch}</dd>", details, StringComparison.Ordinal);
            Assert.Contains("<dd>Springfield Yard</dd>", console, StringComparison.Ordinal);
        }
        finally
        {
            await portal.WithDbAsync(db => db.OperatorSettings.ExecuteUpdateAsync(u => u.SetProperty(s => s.BranchNames, before), ct));
            portal.Services.GetRequiredService<OperatorSettingsCache>().Invalidate();
        }
    }
}
