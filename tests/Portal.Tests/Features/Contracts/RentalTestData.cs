using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Contracts;
using Portal.Infrastructure;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Contracts;

public static class RentalTestData
{
    /// <summary>The operator's today, as the pages compare with it.</summary>
    public static async Task<DateOnly> TodayAsync(PortalFactory portal)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OperatorClock>().TodayAsync();
    }

    /// <summary>A contract on the account with the given items (line numbers in order), saved.</summary>
    public static async Task<Contract> NewContractAsync(PortalFactory portal, ArrangedAccount account, string suffix, ContractStatus status, string? site, params (string Code, decimal Out, decimal Returned, int OutDaysAgo, int? BackInDays)[] items)
    {
        var today = await TodayAsync(portal);
        var contract = new Contract
        {
            AccountId = account.Id,
            ExternalId = account.Prefix + "K" + suffix,
            Number = account.Prefix + "RC" + suffix,
            Status = status,
            StartDate = today.AddDays(-30),
            JobSite = site,
            PurchaseOrder = "PO-" + suffix,
            UpdatedAt = DateTime.UtcNow,
        };
        var n = 0;
        foreach (var (code, qtyOut, returned, outDaysAgo, backInDays) in items)
        {
            contract.Items.Add(new ContractItem
            {
                AccountId = account.Id,
                LineNumber = ++n,
                ProductCode = code,
                Description = code + " description",
                AssetNumber = "AS-" + code + "-" + n,
                QuantityOut = qtyOut,
                QuantityReturned = returned,
                DateOut = today.AddDays(-outDaysAgo),
                ExpectedReturn = backInDays is int d ? today.AddDays(d) : null,
                Rate = 123.45m,
                RatePeriod = "week",
            });
        }

        await portal.WithDbAsync(async db =>
        {
            db.Contracts.Add(contract);
            await db.SaveChangesAsync();
        });
        return contract;
    }
}
