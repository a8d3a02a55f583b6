using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Credits;
using Portal.Features.Invoices;
using Portal.Features.Payments;
using Portal.Infrastructure;
using Portal.Infrastructure.Cli;

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
        CsvImport.Register("accounts", (s, csv, err, ct) => EachAsync(s, csv, err, single: true, ct, async (sp, rows) =>
        {
            var r = rows[0];
            var request = new AccountsApi.AccountRequest
            {
                Number = r.Text("number"), Name = r.Text("name"), Email = r.Text("email"), Phone = r.Text("phone"), PostalCode = r.Text("postalCode"),
                AddressLine1 = r.Text("addressLine1"), AddressLine2 = r.Text("addressLine2"), City = r.Text("city"), Region = r.Text("region"), Country = r.Text("country"),
                Currency = r.Text("currency"), BillDay = r.Int("billDay"), Parent = r.Text("parent"), BillToParent = r.Bool("billToParent") ?? false,
                Type = r.Enum<AccountType>("type"), PortalEnabled = r.Bool("portalEnabled"), Branch = r.Text("branch"),
            };
            return (await AccountsApi.UpsertAsync(r.Text("externalId") ?? "", request, sp.Db, sp.Time, sp.Loggers, ct)).Result;
        }));
        CsvImport.Register("invoices", (s, csv, err, ct) => EachAsync(s, csv, err, single: false, ct, async (sp, rows) =>
        {
            var r = rows[0];
            var request = new InvoicesApi.InvoiceRequest
            {
                Account = r.Text("account"), Number = r.Text("number"), IssueDate = r.Date("issueDate"), DueDate = r.Date("dueDate"), Currency = r.Text("currency"),
                PurchaseOrder = r.Text("purchaseOrder"), Memo = r.Text("memo"), Branch = r.Text("branch"), PeriodStart = r.Date("periodStart"), PeriodEnd = r.Date("periodEnd"),
                Total = r.Decimal("total"), Void = r.Bool("void") ?? false,
                Lines = rows.Select(l => (InvoicesApi.InvoiceLineRequest?)new InvoicesApi.InvoiceLineRequest
                {
                    ProductCode = l.Text("productCode"), Description = l.Text("description"), Quantity = l.Decimal("quantity"), Unit = l.Text("unit"),
                    UnitPrice = l.Decimal("unitPrice"), TaxAmount = l.Decimal("taxAmount"),
                }).ToList(),
            };
            return (await InvoicesApi.UpsertAsync(r.Text("externalId") ?? "", request, sp.Db, sp.Time, sp.Clock, sp.Loggers, ct)).Result;
        }));
        CsvImport.Register("credits", (s, csv, err, ct) => EachAsync(s, csv, err, single: false, ct, async (sp, rows) =>
        {
            var r = rows[0];
            var request = new CreditsApi.CreditRequest
            {
                Account = r.Text("account"), Number = r.Text("number"), Date = r.Date("date"), Amount = r.Decimal("amount"), Currency = r.Text("currency"),
                Reference = r.Text("reference"), Reason = r.Text("reason"), Branch = r.Text("branch"), Void = r.Bool("void") ?? false,
                Applications = Allocations(rows),
            };
            return (await CreditsApi.UpsertAsync(r.Text("externalId") ?? "", request, sp.Db, sp.Ledger, sp.Time, sp.Loggers, ct)).Result;
        }));
        CsvImport.Register("payments", (s, csv, err, ct) => EachAsync(s, csv, err, single: false, ct, async (sp, rows) =>
        {
            var r = rows[0];
            var request = new PaymentsApi.PaymentRequest
            {
                Account = r.Text("account"), Number = r.Text("number"), ReceivedAt = r.Timestamp("receivedAt"), Method = r.Enum<PaymentMethodKind>("method"),
                MethodDetail = r.Text("methodDetail"), Amount = r.Decimal("amount"), Currency = r.Text("currency"), Status = r.Enum<PaymentStatus>("status"),
                FailureReason = r.Text("failureReason"), Allocations = Allocations(rows),
            };
            return (await PaymentsApi.UpsertAsync(r.Text("externalId") ?? "", request, sp.Db, sp.Ledger, sp.Time, sp.Loggers, ct)).Result;
        }));
    }

    // The allocation columns of each row (allocationInvoice, allocationAmount); a row without them adds none.
    private static List<AllocationRequest?> Allocations(IReadOnlyList<CsvImport.CsvRow> rows) =>
        rows.Where(r => r.Text("allocationInvoice") is not null)
            .Select(r => (AllocationRequest?)new AllocationRequest { Invoice = r.Text("allocationInvoice"), Amount = r.Decimal("allocationAmount") })
            .ToList();

    private sealed record Services(PortalDb Db, TimeProvider Time, OperatorClock Clock, ILoggerFactory Loggers, Ledger.Ledger Ledger);

    private static async Task<CsvImport.Report> EachAsync(
        IServiceProvider services, IAsyncEnumerable<CsvRecord> csv, TextWriter errors, bool single, CancellationToken ct,
        Func<Services, IReadOnlyList<CsvImport.CsvRow>, Task<IResult>> upsert)
    {
        int created = 0, updated = 0, failed = 0;
        var group = new List<CsvImport.CsvRow>();

        async Task FlushAsync()
        {
            if (group.Count == 0)
            {
                return;
            }

            // A scope per document: one unit of work, nothing tracked from the previous one.
            await using var scope = services.CreateAsyncScope();
            var sp = scope.ServiceProvider;
            var parseErrors = group.SelectMany(r => r.ParseErrors.ToDictionary().Select(e => $"line {r.Line}: {e.Key}: {string.Join(" ", e.Value)}")).ToList();
            var result = parseErrors.Count > 0 ? null : await upsert(new Services(sp.GetRequiredService<PortalDb>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<OperatorClock>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<Ledger.Ledger>()), group);
            var lines = group.Count == 1 ? $"line {group[0].Line}" : $"lines {group[0].Line}-{group[^1].Line}";
            switch (result)
            {
                case null:
                    failed++;
                    foreach (var e in parseErrors)
                    {
                        await errors.WriteLineAsync(e);
                    }

                    break;
                case IStatusCodeHttpResult { StatusCode: StatusCodes.Status201Created }:
                    created++;
                    break;
                case IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK }:
                    updated++;
                    break;
                case ValidationProblem v:
                    failed++;
                    await errors.WriteLineAsync($"{lines}: " + string.Join("; ", v.ProblemDetails.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
                    break;
                case ProblemHttpResult p:
                    failed++;
                    await errors.WriteLineAsync($"{lines}: {p.ProblemDetails.Title}: {p.ProblemDetails.Detail}");
                    break;
                default:
                    failed++;
                    await errors.WriteLineAsync($"{lines}: not saved.");
                    break;
            }

            group.Clear();
        }

        await foreach (var record in csv)
        {
            var row = new CsvImport.CsvRow(record);
            if (single || (group.Count > 0 && !string.Equals(group[0].Text("externalId"), row.Text("externalId"), StringComparison.Ordinal)))
            {
                await FlushAsync();
            }

            group.Add(row);
        }

        await FlushAsync();
        return new CsvImport.Report(created, updated, 0, failed);
    }
}
