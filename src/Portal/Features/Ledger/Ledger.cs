using Portal.Features.Credits;
using Portal.Features.Invoices;
using Portal.Features.Payments;
using Portal.Infrastructure;

namespace Portal.Features.Ledger;

/// <summary>The outcome of a ledger change: applied, or refused with the field and reason.</summary>
public abstract record LedgerResult
{
    public sealed record Applied : LedgerResult;

    public sealed record Refused(string Field, string Message) : LedgerResult;

    public static readonly LedgerResult Ok = new Applied();
}

/// <summary>One part of a payment or credit going to one invoice.</summary>
public sealed record AllocationPart(Invoice Invoice, decimal Amount);

/// <summary>
/// The only code that moves money between documents. Every change keeps the running figures
/// (invoice open amount, payment unapplied amount, credit remaining amount) equal to what the
/// allocation rows say, bumps the invoices' concurrency version so that two writers racing for one
/// invoice cannot both win, and leaves saving to the caller's single SaveChanges. The database's check
/// constraints (0 &lt;= open &lt;= total, ...) are the last line behind these checks.
/// </summary>
public sealed class Ledger(TimeProvider time)
{
    public LedgerResult AllocatePayment(Payment payment, IReadOnlyList<AllocationPart> parts, string field = "allocations")
    {
        var check = Validate(payment.AccountId, payment.Currency, payment.UnappliedAmount, parts, field);
        if (check is LedgerResult.Refused)
        {
            return check;
        }

        foreach (var part in parts)
        {
            var existing = payment.Allocations.FirstOrDefault(a => a.InvoiceId == part.Invoice.Id && part.Invoice.Id != 0);
            if (existing is not null)
            {
                existing.Amount += part.Amount;
            }
            else
            {
                payment.Allocations.Add(new PaymentAllocation { Invoice = part.Invoice, InvoiceId = part.Invoice.Id, Amount = part.Amount });
            }

            Reduce(part.Invoice, part.Amount);
            payment.UnappliedAmount -= part.Amount;
        }

        return LedgerResult.Ok;
    }

    /// <summary>Takes every allocation of the payment back (a payment that failed, was refunded or is re-allocated).</summary>
    public void ReleasePayment(Payment payment, IReadOnlyDictionary<long, Invoice> invoicesById)
    {
        foreach (var allocation in payment.Allocations)
        {
            var invoice = allocation.Invoice ?? invoicesById[allocation.InvoiceId];
            Restore(invoice, allocation.Amount);
            payment.UnappliedAmount += allocation.Amount;
        }

        payment.Allocations.Clear();
    }

    public LedgerResult ApplyCredit(CreditMemo credit, ICollection<CreditApplication> applications, IReadOnlyList<AllocationPart> parts, string field = "applications")
    {
        var check = Validate(credit.AccountId, credit.Currency, credit.RemainingAmount, parts, field);
        if (check is LedgerResult.Refused)
        {
            return check;
        }

        var now = time.GetUtcNow().UtcDateTime;
        foreach (var part in parts)
        {
            applications.Add(new CreditApplication { CreditMemoId = credit.Id, Invoice = part.Invoice, InvoiceId = part.Invoice.Id, Amount = part.Amount, AppliedAt = now });
            Reduce(part.Invoice, part.Amount);
            credit.RemainingAmount -= part.Amount;
        }

        credit.Version++;
        return LedgerResult.Ok;
    }

    /// <summary>Takes every application of the credit back, so that it can be re-applied or voided.</summary>
    public void ReleaseCredit(CreditMemo credit, ICollection<CreditApplication> applications, IReadOnlyDictionary<long, Invoice> invoicesById)
    {
        foreach (var application in applications)
        {
            var invoice = application.Invoice ?? invoicesById[application.InvoiceId];
            Restore(invoice, application.Amount);
            credit.RemainingAmount += application.Amount;
        }

        credit.Version++;
    }

    /// <summary>
    /// Holds part of an invoice's open amount for a portal payment attempt whose outcome is not known yet,
    /// so that two tabs, two users or autopay can never together take more than is open. Refused when
    /// the open amount less what others hold is smaller than the amount.
    /// </summary>
    public static LedgerResult Reserve(Invoice invoice, decimal amount, string field)
    {
        var available = invoice.IsVoid ? 0m : invoice.OpenAmount - invoice.ReservedAmount;
        if (amount <= 0m)
        {
            return new LedgerResult.Refused(field, "An amount must be greater than zero.");
        }

        if (amount > available)
        {
            return new LedgerResult.Refused(field, available <= 0m
                ? $"Invoice {invoice.Number} has nothing left to pay (paid, or a payment for it is in progress)."
                : $"Invoice {invoice.Number} has only {available.ToString(System.Globalization.CultureInfo.InvariantCulture)} {invoice.Currency} left to pay.");
        }

        invoice.ReservedAmount += amount;
        invoice.Version++;
        return LedgerResult.Ok;
    }

    /// <summary>Gives a reservation back (the attempt failed, or succeeded and is being allocated).</summary>
    public static void ReleaseReservation(Invoice invoice, decimal amount)
    {
        invoice.ReservedAmount = Math.Max(0m, invoice.ReservedAmount - amount);
        invoice.Version++;
    }

    /// <summary>
    /// Splits an amount over open invoices, oldest due date first (then oldest issue, then number), never
    /// more than an invoice's open amount. What is left over is returned as unallocated.
    /// </summary>
    public static (IReadOnlyList<AllocationPart> Parts, decimal Unallocated) OldestFirst(IEnumerable<Invoice> openInvoices, decimal amount)
    {
        var parts = new List<AllocationPart>();
        var left = amount;
        foreach (var invoice in openInvoices.Where(i => !i.IsVoid && i.OpenAmount > 0m)
                     .OrderBy(i => i.DueDate).ThenBy(i => i.IssueDate).ThenBy(i => i.Number, StringComparer.Ordinal))
        {
            if (left <= 0m)
            {
                break;
            }

            var take = Math.Min(left, invoice.OpenAmount);
            parts.Add(new AllocationPart(invoice, take));
            left -= take;
        }

        return (parts, left);
    }

    private static LedgerResult Validate(long accountId, string currency, decimal available, IReadOnlyList<AllocationPart> parts, string field)
    {
        var total = 0m;
        for (var i = 0; i < parts.Count; i++)
        {
            var (invoice, amount) = (parts[i].Invoice, parts[i].Amount);
            var at = $"{field}[{i}]";
            if (amount <= 0m)
            {
                return new LedgerResult.Refused($"{at}.amount", "An allocated amount must be greater than zero.");
            }

            if (!Currencies.FitsMinorUnit(amount, currency))
            {
                return new LedgerResult.Refused($"{at}.amount", $"The amount has more decimals than {currency} allows.");
            }

            if (invoice.AccountId != accountId)
            {
                return new LedgerResult.Refused($"{at}.invoice", $"Invoice {invoice.Number} belongs to another account.");
            }

            if (!string.Equals(invoice.Currency, currency, StringComparison.Ordinal))
            {
                return new LedgerResult.Refused($"{at}.invoice", $"Invoice {invoice.Number} is in {invoice.Currency}, not {currency}.");
            }

            if (invoice.IsVoid)
            {
                return new LedgerResult.Refused($"{at}.invoice", $"Invoice {invoice.Number} is void.");
            }

            var sameInvoiceEarlier = parts.Take(i).Where(p => ReferenceEquals(p.Invoice, invoice)).Sum(p => p.Amount);
            if (amount + sameInvoiceEarlier > invoice.OpenAmount)
            {
                return new LedgerResult.Refused($"{at}.amount", $"Invoice {invoice.Number} has only {invoice.OpenAmount.ToString(System.Globalization.CultureInfo.InvariantCulture)} {currency} open.");
            }

            total += amount;
        }

        if (total > available)
        {
            return new LedgerResult.Refused(field, $"The allocations add up to more than the {available.ToString(System.Globalization.CultureInfo.InvariantCulture)} {currency} available.");
        }

        return LedgerResult.Ok;
    }

    private static void Reduce(Invoice invoice, decimal amount)
    {
        invoice.OpenAmount -= amount;
        invoice.Version++;
    }

    private static void Restore(Invoice invoice, decimal amount)
    {
        invoice.OpenAmount += amount;
        invoice.Version++;
    }
}
