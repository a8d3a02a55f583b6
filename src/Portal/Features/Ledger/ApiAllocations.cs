using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Invoices;
using Portal.Infrastructure.Api;

namespace Portal.Features.Ledger;

/// <summary>Part of a payment or credit memo applied to one invoice, as the billing system sends it.</summary>
public sealed record AllocationRequest
{
    /// <summary>The invoice's externalId; the invoice must belong to the same account.</summary>
    [Required]
    public string? Invoice { get; init; }

    /// <summary>Greater than zero; no more than the invoice has open.</summary>
    [Required]
    public decimal? Amount { get; init; }
}

public sealed record AllocationResponse(string Invoice, string InvoiceNumber, decimal Amount);

/// <summary>
/// Turns the allocations of a payment or credit upsert into ledger parts. Faults in the request (an
/// unknown invoice, one of another account, the same invoice twice) are 400s naming the field; what the
/// ledger then refuses depends on the invoices' current state (not enough open, void) and is a 409.
/// </summary>
internal static class ApiAllocations
{
    public const int MaxItems = 500;

    public static List<(string Invoice, decimal Amount)> Read(ApiErrors e, string field, List<AllocationRequest?>? items, string? currency)
    {
        var result = new List<(string, decimal)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (at, item) in e.Items(field, items, MaxItems))
        {
            var invoice = e.Text($"{at}.invoice", item.Invoice, 100, required: true);
            var amount = e.Amount($"{at}.amount", item.Amount, currency, positive: true);
            if (invoice is not null && !seen.Add(invoice))
            {
                e.Add($"{at}.invoice", $"Invoice '{invoice}' is listed more than once; send one item per invoice.");
            }

            result.Add((invoice ?? "", amount));
        }

        return result;
    }

    /// <summary>Loads (tracked, for the ledger) the invoices the items name, in the items' order.</summary>
    public static async Task<List<AllocationPart>> ResolveAsync(PortalDb db, ApiErrors e, string field, List<(string Invoice, decimal Amount)> items, long accountId, CancellationToken ct)
    {
        if (items.Count == 0)
        {
            return [];
        }

        var ids = items.Select(i => i.Invoice).Distinct().ToList();
        var invoices = await db.Invoices.Where(i => ids.Contains(i.ExternalId)).ToDictionaryAsync(i => i.ExternalId, StringComparer.Ordinal, ct);
        var parts = new List<AllocationPart>();
        for (var i = 0; i < items.Count; i++)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"{field}[{i}].invoice");
            if (!invoices.TryGetValue(items[i].Invoice, out var invoice))
            {
                e.Add(at, $"No invoice has externalId '{items[i].Invoice}'.");
            }
            else if (invoice.AccountId != accountId)
            {
                e.Add(at, $"Invoice '{items[i].Invoice}' belongs to another account.");
            }
            else
            {
                parts.Add(new AllocationPart(invoice, items[i].Amount));
            }
        }

        return parts;
    }

    /// <summary>True when the stored allocations are exactly the requested ones (order aside).</summary>
    public static bool Same(IEnumerable<(long InvoiceId, decimal Amount)> stored, IReadOnlyList<AllocationPart> parts)
    {
        var a = stored.OrderBy(x => x.InvoiceId).ToList();
        var b = parts.Select(p => (p.Invoice.Id, p.Amount)).OrderBy(x => x.Id).ToList();
        return a.Count == b.Count && a.Zip(b).All(p => p.First.InvoiceId == p.Second.Id && p.First.Amount == p.Second.Amount);
    }

    public static UpsertOutcome<T> Refused<T>(LedgerResult.Refused refused) => new UpsertOutcome<T>.Conflict(
        "The allocation does not fit the invoices as they are now",
        refused.Message,
        new Dictionary<string, string[]>(StringComparer.Ordinal) { [refused.Field] = [refused.Message] });

    public static AllocationResponse ToResponse(Invoice invoice, decimal amount) => new(invoice.ExternalId, invoice.Number, amount);
}
