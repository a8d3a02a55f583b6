using System.Net;
using Portal.Features.Accounts;
using Portal.Features.Contracts;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Contracts;

public sealed class RentalPagesTests(PortalFactory portal)
{
    [Fact]
    public async Task Contracts_list_reservations_as_such_filters_by_status_and_summarises_each_number_without_script()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View | Permissions.SeeMoney);
        var open = await RentalTestData.NewContractAsync(portal, account, "1", ContractStatus.Open, "Gate 4", ("EXC", 2, 0, 10, -2), ("GEN", 1, 1, 10, -5));
        var reserved = await RentalTestData.NewContractAsync(portal, account, "2", ContractStatus.Reserved, "Gate 9", ("TELE", 0, 0, -3, 10));
        var client = await portal.LoginAsync(account.Email);

        var all = await client.GetStringAsync("/contracts", ct);
        var reservations = await client.GetStringAsync("/contracts?status=reserved", ct);

        Assert.Contains(open.Number, all, StringComparison.Ordinal);
        Assert.Contains(reserved.Number, all, StringComparison.Ordinal);
        Assert.Contains("Reservation", all, StringComparison.Ordinal);
        // The summary is the link's accessible description, in the markup (no script), and names the overdue return.
        Assert.Matches($"aria-describedby=\"contract-summary-{open.Id}\"", all);
        Assert.Matches($"id=\"contract-summary-{open.Id}\"[^>]*>[^<]*Gate 4[^<]*Items out: 1[^<]*return overdue", all);
        Assert.Contains(reserved.Number, reservations, StringComparison.Ordinal);
        Assert.DoesNotContain(open.Number, reservations, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_contract_shows_its_items_with_rates_only_to_who_may_see_money_and_gives_a_pdf()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View | Permissions.SeeMoney);
        var contract = await RentalTestData.NewContractAsync(portal, account, "3", ContractStatus.Open, "Pier 4", ("EXC", 2, 1, 10, -2));
        var client = await portal.LoginAsync(account.Email);
        var page = await client.GetStringAsync("/contracts/" + contract.Number, ct);
        Assert.Contains("AS-EXC-1", page, StringComparison.Ordinal);
        Assert.Contains("$123.45", page, StringComparison.Ordinal);
        Assert.Contains("Overdue", page, StringComparison.Ordinal);

        var pdf = await client.GetAsync($"/contracts/{contract.Number}/pdf", ct);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        var bytes = await pdf.Content.ReadAsByteArrayAsync(ct);
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4), StringComparison.Ordinal);
        if (await InvoiceTestData.PdfTextAsync(bytes) is { } text)
        {
            Assert.Contains(contract.Number, text, StringComparison.Ordinal);
            Assert.Contains("Pier 4", text, StringComparison.Ordinal);
            Assert.Contains("AS-EXC-1", text, StringComparison.Ordinal);
            Assert.Contains("$123.45", text, StringComparison.Ordinal);
        }

        var plainAccount = await InvoiceTestData.NewAccountAsync(portal, Permissions.View);
        var plainContract = await RentalTestData.NewContractAsync(portal, plainAccount, "4", ContractStatus.Open, null, ("EXC", 1, 0, 3, 5));
        var plain = await portal.LoginAsync(plainAccount.Email);
        var plainPage = await plain.GetStringAsync("/contracts/" + plainContract.Number, ct);
        Assert.Contains("AS-EXC-1", plainPage, StringComparison.Ordinal);
        Assert.DoesNotContain("$123.45", plainPage, StringComparison.Ordinal);
        var plainPdf = await (await plain.GetAsync($"/contracts/{plainContract.Number}/pdf", ct)).Content.ReadAsByteArrayAsync(ct);
        if (await InvoiceTestData.PdfTextAsync(plainPdf) is { } plainText)
        {
            Assert.DoesNotContain("123.45", plainText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Items_out_lists_what_is_on_rent_marks_overdue_and_filters_by_job_site_and_contract()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View | Permissions.Order);
        var gate = await RentalTestData.NewContractAsync(portal, account, "5", ContractStatus.Open, "Gate 4", ("LATE", 2, 0, 10, -1), ("BACK", 1, 1, 10, 3));
        var pier = await RentalTestData.NewContractAsync(portal, account, "6", ContractStatus.Open, "Pier 7", ("SOON", 3, 1, 5, 4));
        var client = await portal.LoginAsync(account.Email);

        var all = await client.GetStringAsync("/items-out", ct);
        var bySite = await client.GetStringAsync("/items-out?site=Pier%207", ct);
        var byContract = await client.GetStringAsync("/items-out?contract=" + gate.Number, ct);

        Assert.Contains("LATE", all, StringComparison.Ordinal);
        Assert.Contains("SOON", all, StringComparison.Ordinal);
        Assert.DoesNotContain("BACK description", all, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(all, "class=\"row-overdue\""));
        Assert.Contains("No item is chosen", await client.GetStringAsync("/calloffs/new", ct), StringComparison.Ordinal);
        Assert.Contains("SOON", bySite, StringComparison.Ordinal);
        Assert.DoesNotContain("LATE", bySite, StringComparison.Ordinal);
        Assert.Contains("LATE", byContract, StringComparison.Ordinal);
        Assert.DoesNotContain("SOON", byContract, StringComparison.Ordinal);
        Assert.Contains(pier.Number, all, StringComparison.Ordinal);
        // Rates are money: hidden from this member.
        Assert.DoesNotContain("$123.45", all, StringComparison.Ordinal);
    }
}
