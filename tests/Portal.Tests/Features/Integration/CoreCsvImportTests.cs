using Microsoft.EntityFrameworkCore;
using Portal.Features.Integration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Integration;

public sealed class CoreCsvImportTests(PortalFactory portal) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("portal-import-core-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<(int Exit, string Out, string Err)> ImportAsync(string kind, string csv)
    {
        var file = Path.Combine(_folder, $"{kind}-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, csv, TestContext.Current.CancellationToken);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CsvImport.RunAsync(portal.Services, ["import", kind, file], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task A_nightly_export_of_accounts_invoices_and_payments_lands_and_balances()
    {
        var id = IntegrationClient.Unique("NX");
        var accounts = await ImportAsync("accounts", $"externalId,number,name,email,phone,postalCode,currency,billDay,type,portalEnabled\n{id},{id},Nightly Export Ltd,ap@nightly.example,6175550999,02110,USD,1,credit,true\n");
        var invoices = await ImportAsync("invoices",
            "externalId,account,number,issueDate,dueDate,currency,productCode,description,quantity,unit,unitPrice,taxAmount\n" +
            $"{id}-I1,{id},{id}-1,2026-10-01,2026-10-31,USD,SKID-S70,Skid steer,2,day,285.00,0\n" +
            $"{id}-I1,{id},{id}-1,2026-10-01,2026-10-31,USD,DEL-STD,Delivery,1,trip,145.00,9.06\n");
        var payments = await ImportAsync("payments",
            "externalId,account,number,receivedAt,method,amount,currency,status,allocationInvoice,allocationAmount\n" +
            $"{id}-P1,{id},{id}-P,2026-10-15T15:00:00Z,check,300.00,USD,succeeded,{id}-I1,300.00\n");
        var again = await ImportAsync("invoices",
            "externalId,account,number,issueDate,dueDate,currency,productCode,description,quantity,unit,unitPrice,taxAmount\n" +
            $"{id}-I1,{id},{id}-1,2026-10-01,2026-10-31,USD,SKID-S70,Skid steer,2,day,285.00,0\n" +
            $"{id}-I1,{id},{id}-1,2026-10-01,2026-10-31,USD,DEL-STD,Delivery,1,trip,145.00,9.06\n");

        Assert.True(accounts.Exit == 0, accounts.Err);
        Assert.True(invoices.Exit == 0, invoices.Err);
        Assert.True(payments.Exit == 0, payments.Err);
        Assert.Contains("1 created", invoices.Out, StringComparison.Ordinal);
        Assert.Contains("1 updated", again.Out, StringComparison.Ordinal);
        var invoice = await portal.WithDbAsync(db => db.Invoices.Include(i => i.Lines).AsNoTracking().SingleAsync(i => i.ExternalId == $"{id}-I1", TestContext.Current.CancellationToken));
        Assert.Equal(2, invoice.Lines.Count);
        Assert.Equal(724.06m, invoice.Total);
        Assert.Equal(424.06m, invoice.OpenAmount);
    }

    [Fact]
    public async Task An_invoice_for_an_unknown_account_is_reported_with_its_lines_and_not_written()
    {
        var id = IntegrationClient.Unique("NY");

        var result = await ImportAsync("invoices",
            "externalId,account,number,issueDate,dueDate,currency,description,quantity,unitPrice,taxAmount\n" +
            $"{id},NO-SUCH,{id},2026-10-01,2026-10-31,USD,Thing,1,10,0\n" +
            $"{id},NO-SUCH,{id},2026-10-01,2026-10-31,USD,Other thing,1,10,0\n");

        Assert.Equal(1, result.Exit);
        Assert.Contains("lines 2-3: account", result.Err, StringComparison.Ordinal);
        Assert.False(await portal.WithDbAsync(db => db.Invoices.AnyAsync(i => i.ExternalId == id, TestContext.Current.CancellationToken)));
    }
}
