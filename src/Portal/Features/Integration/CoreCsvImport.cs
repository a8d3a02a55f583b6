using Portal.Features.Accounts;
using Portal.Features.Credits;
using Portal.Features.Invoices;
using Portal.Features.Ledger;
using Portal.Features.Payments;
using Portal.Infrastructure;
using Portal.Infrastructure.Api;

namespace Portal.Features.Integration;

/// <summary>
/// The CSV kinds for the billing documents, over the same upserts as <c>PUT /api/v1/...</c>. A document with
/// several lines (an invoice's lines, a payment's allocations, a credit's applications) is several
/// consecutive rows with the same externalId: the document's own columns are read from its first row.
/// </summary>
public static class CoreCsvImport
{
    public static void Register()
    {
        CsvImport.Register("accounts", (s, csv, err, ct) => CsvImport.ImportDocumentsAsync<AccountsApi.AccountResponse>(s, csv, err, single: true, ct, rows =>
        {
            var r = rows[0];
            var request = new AccountsApi.AccountRequest
            {
                Number = r.Text("number"),
                Name = r.Text("name"),
                Email = r.Text("email"),
                Phone = r.Text("phone"),
                PostalCode = r.Text("postalCode"),
                AddressLine1 = r.Text("addressLine1"),
                AddressLine2 = r.Text("addressLine2"),
                City = r.Text("city"),
                Region = r.Text("region"),
                Country = r.Text("country"),
                Currency = r.Text("currency"),
                BillDay = r.Int("billDay"),
                Parent = r.Text("parent"),
                BillToParent = r.Bool("billToParent") ?? false,
                Type = r.Enum<AccountType>("type"),
                PortalEnabled = r.Bool("portalEnabled"),
                Branch = r.Text("branch"),
            };
            return sp => AccountsApi.UpsertAsync(UpsertServices.From(sp), r.Text("externalId") ?? "", request, ct);
        }));
        CsvImport.Register("invoices", (s, csv, err, ct) => CsvImport.ImportDocumentsAsync<InvoicesApi.InvoiceResponse>(s, csv, err, single: false, ct, rows =>
        {
            var r = rows[0];
            var request = new InvoicesApi.InvoiceRequest
            {
                Account = r.Text("account"),
                Number = r.Text("number"),
                IssueDate = r.Date("issueDate"),
                DueDate = r.Date("dueDate"),
                Currency = r.Text("currency"),
                PurchaseOrder = r.Text("purchaseOrder"),
                Memo = r.Text("memo"),
                Branch = r.Text("branch"),
                PeriodStart = r.Date("periodStart"),
                PeriodEnd = r.Date("periodEnd"),
                Total = r.Decimal("total"),
                Void = r.Bool("void") ?? false,
                Lines = rows.Select(l => (InvoicesApi.InvoiceLineRequest?)new InvoicesApi.InvoiceLineRequest
                {
                    ProductCode = l.Text("productCode"),
                    Description = l.Text("description"),
                    Quantity = l.Decimal("quantity"),
                    Unit = l.Text("unit"),
                    UnitPrice = l.Decimal("unitPrice"),
                    TaxAmount = l.Decimal("taxAmount"),
                }).ToList(),
            };
            return sp => InvoicesApi.UpsertAsync(UpsertServices.From(sp), sp.GetRequiredService<OperatorClock>(), r.Text("externalId") ?? "", request, ct);
        }));
        CsvImport.Register("credits", (s, csv, err, ct) => CsvImport.ImportDocumentsAsync<CreditsApi.CreditResponse>(s, csv, err, single: false, ct, rows =>
        {
            var r = rows[0];
            var request = new CreditsApi.CreditRequest
            {
                Account = r.Text("account"),
                Number = r.Text("number"),
                Date = r.Date("date"),
                Amount = r.Decimal("amount"),
                Currency = r.Text("currency"),
                Reference = r.Text("reference"),
                Reason = r.Text("reason"),
                Branch = r.Text("branch"),
                Void = r.Bool("void") ?? false,
                Applications = Allocations(rows),
            };
            return sp => CreditsApi.UpsertAsync(UpsertServices.From(sp), sp.GetRequiredService<Ledger.Ledger>(), r.Text("externalId") ?? "", request, ct);
        }));
        CsvImport.Register("payments", (s, csv, err, ct) => CsvImport.ImportDocumentsAsync<PaymentsApi.PaymentResponse>(s, csv, err, single: false, ct, rows =>
        {
            var r = rows[0];
            var request = new PaymentsApi.PaymentRequest
            {
                Account = r.Text("account"),
                Number = r.Text("number"),
                ReceivedAt = r.Timestamp("receivedAt"),
                Method = r.Enum<PaymentMethodKind>("method"),
                MethodDetail = r.Text("methodDetail"),
                Amount = r.Decimal("amount"),
                Currency = r.Text("currency"),
                Status = r.Enum<PaymentStatus>("status"),
                FailureReason = r.Text("failureReason"),
                Allocations = Allocations(rows),
            };
            return sp => PaymentsApi.UpsertAsync(UpsertServices.From(sp), sp.GetRequiredService<Ledger.Ledger>(), r.Text("externalId") ?? "", request, ct);
        }));
    }

    // The allocation columns of each row (allocationInvoice, allocationAmount); a row without them adds none.
    private static List<AllocationRequest?> Allocations(IReadOnlyList<CsvImport.CsvRow> rows) =>
        rows.Where(r => r.Text("allocationInvoice") is not null)
            .Select(r => (AllocationRequest?)new AllocationRequest { Invoice = r.Text("allocationInvoice"), Amount = r.Decimal("allocationAmount") })
            .ToList();
}
