using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Operator;
using Portal.Features.Requests;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Events;
using Portal.Resources;

namespace Portal.Features.Disputes;

/// <summary>What a customer sends to dispute an invoice (as typed; checked by <see cref="DisputeService.OpenAsync"/>).</summary>
public sealed record DisputeForm(string? Reason, string? Details, IReadOnlyList<int> Lines, string? Amount);

/// <summary>Opens, comments on and resolves invoice disputes: each in one transaction with its hub entry, events and e-mails.</summary>
public sealed class DisputeService(PortalDb db, OperatorClock clock, OperatorSettingsCache settings, IntegrationEvents events, RequestMail mail, IStringLocalizer<SharedResource> l)
{
    public abstract record Result
    {
        public sealed record Done(string Number) : Result;

        public sealed record Refused(Dictionary<string, string> Errors) : Result;

        public sealed record NotFound : Result;
    }

    /// <summary>The operator's reasons, one a line (the defaults when the operator left the list empty).</summary>
    public static IReadOnlyList<string> Reasons(OperatorSettings s) =>
        (string.IsNullOrWhiteSpace(s.DisputeReasons) ? OperatorSettings.DefaultDisputeReasons : s.DisputeReasons)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Why the invoice cannot be disputed now, or null when it can.</summary>
    public async Task<string?> RefusalAsync(long invoiceId, bool isVoid, decimal open, CancellationToken ct)
    {
        if (isVoid)
        {
            return l["A void invoice cannot be disputed."];
        }

        if (open <= 0m && !(await settings.GetAsync(ct)).PaidInvoicesDisputable)
        {
            return l["This invoice is paid, and paid invoices cannot be disputed here. Please call or write to us about it."];
        }

        return await OpenDisputeOfAsync(invoiceId, ct) is { } existing
            ? l["This invoice is already disputed (dispute {0}); add to that dispute instead.", existing].Value
            : null;
    }

    public Task<string?> OpenDisputeOfAsync(long invoiceId, CancellationToken ct) =>
        db.InvoiceDisputes.AsNoTracking().Where(d => d.InvoiceId == invoiceId && d.Status == DisputeStatus.Open).Select(d => d.Number).FirstOrDefaultAsync(ct);

    public async Task<Result> OpenAsync(CurrentAccount account, string userId, string invoiceNumber, DisputeForm form, IReadOnlyList<IFormFile> files, CancellationToken ct)
    {
        var invoice = await db.Invoices.AsNoTracking().Where(i => i.AccountId == account.Id && i.Number == invoiceNumber)
            .Select(i => new { i.Id, i.Number, i.Currency, i.Total, i.OpenAmount, i.IsVoid }).FirstOrDefaultAsync(ct);
        if (invoice is null)
        {
            return new Result.NotFound();
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (await RefusalAsync(invoice.Id, invoice.IsVoid, invoice.OpenAmount, ct) is { } refusal)
        {
            errors["Invoice"] = refusal;
            return new Result.Refused(errors);
        }

        var reasons = Reasons(await settings.GetAsync(ct));
        var reason = form.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || !reasons.Contains(reason, StringComparer.Ordinal))
        {
            errors["Reason"] = l["Choose a reason from the list."];
        }

        var details = form.Details?.Trim();
        if (string.IsNullOrEmpty(details))
        {
            errors["Details"] = l["Tell us what is wrong with the invoice."];
        }
        else if (details.Length > 4000)
        {
            errors["Details"] = l["The explanation can be at most {0} characters.", 4000];
        }

        var lineNumbers = await db.InvoiceLines.AsNoTracking().Where(x => x.InvoiceId == invoice.Id).Select(x => x.LineNumber).ToListAsync(ct);
        var lines = form.Lines.Distinct().Order().ToList();
        if (lines.Any(n => !lineNumbers.Contains(n)))
        {
            errors["Lines"] = l["Choose lines of this invoice."];
        }

        decimal amount = 0m;
        var text = form.Amount?.Trim();
        if (string.IsNullOrEmpty(text) || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount) || amount <= 0m)
        {
            errors["Amount"] = l["Enter the amount in question as a number greater than zero, e.g. 125.50."];
        }
        else if (!Currencies.FitsMinorUnit(amount, invoice.Currency))
        {
            errors["Amount"] = l["The amount has more decimals than {0} allows.", invoice.Currency];
        }
        else if (amount > invoice.Total)
        {
            errors["Amount"] = l["The amount in question cannot be more than the invoice's total, {0}.", Currencies.Format(invoice.Total, invoice.Currency, CultureInfo.CurrentCulture)];
        }

        var checkedFiles = await RequestFiles.ReadAsync(files, "Files", (f, m) => errors.TryAdd(f, m), l, ct);
        if (errors.Count > 0)
        {
            return new Result.Refused(errors);
        }

        var now = clock.UtcNow;
        var dispute = new InvoiceDispute
        {
            AccountId = account.Id,
            InvoiceId = invoice.Id,
            Number = Orders.OrderPadService.NewNumber("D"),
            Reason = reason!,
            Details = details!,
            Currency = invoice.Currency,
            Amount = amount,
            LineNumbers = string.Join(',', lines.Select(n => n.ToString(CultureInfo.InvariantCulture))),
            Status = DisputeStatus.Open,
            OpenedByUserId = userId,
            OpenedAt = now,
            UpdatedAt = now,
        };
        var externalId = await db.Accounts.Where(a => a.Id == account.Id).Select(a => a.ExternalId).FirstAsync(ct);
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.InvoiceDisputes.Add(dispute);
            await db.SaveChangesAsync(ct);
            var entry = CustomerRequestHub.Open(db, account.Id, RequestKind.Dispute, dispute.Number, l["Invoice {0}: {1}", invoice.Number, dispute.Reason], "open", dispute.Id, userId, now);
            await db.SaveChangesAsync(ct);
            RequestFiles.Attach(db, entry, checkedFiles, userId, now);
            events.Record("invoice.disputed", account.Id, externalId, new
            {
                number = dispute.Number,
                invoice = invoice.Number,
                reason = dispute.Reason,
                details = dispute.Details,
                lines,
                currency = dispute.Currency,
                amount = dispute.Amount,
                openedAt = now,
                openedBy = email,
                attachments = checkedFiles.Select(f => new { fileName = f.FileName, contentType = f.ContentType, length = f.Bytes.Length }),
            });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request opened a dispute of the invoice first (the open-dispute index refused ours).
            db.ChangeTracker.Clear();
            var other = await OpenDisputeOfAsync(invoice.Id, ct);
            if (other is null)
            {
                throw;
            }

            return new Result.Refused(new Dictionary<string, string>(StringComparer.Ordinal) { ["Invoice"] = l["This invoice is already disputed (dispute {0}); add to that dispute instead.", other] });
        }

        return new Result.Done(dispute.Number);
    }

    /// <summary>A customer's message on one of the account's disputes (refused once it is resolved).</summary>
    public async Task<Result> CommentAsync(CurrentAccount account, string userId, string number, string? body, IReadOnlyList<IFormFile> files, CancellationToken ct)
    {
        var dispute = await db.InvoiceDisputes.FirstOrDefaultAsync(d => d.AccountId == account.Id && d.Number == number, ct);
        if (dispute is null)
        {
            return new Result.NotFound();
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var text = body?.Trim();
        if (dispute.Status != DisputeStatus.Open)
        {
            errors["Body"] = l["This dispute is resolved, so it takes no more messages."];
        }
        else if (string.IsNullOrEmpty(text))
        {
            errors["Body"] = l["Write a message."];
        }
        else if (text.Length > CustomerRequestHub.MaxBodyLength)
        {
            errors["Body"] = l["A message can be at most {0} characters.", CustomerRequestHub.MaxBodyLength];
        }

        var checkedFiles = errors.Count > 0 ? [] : await RequestFiles.ReadAsync(files, "Files", (f, m) => errors.TryAdd(f, m), l, ct);
        if (errors.Count > 0)
        {
            return new Result.Refused(errors);
        }

        var now = clock.UtcNow;
        var entry = await CustomerRequestHub.FindAsync(db, RequestKind.Dispute, dispute.Id, ct)
            ?? throw new InvalidOperationException($"Dispute {dispute.Number} has no hub entry.");
        var author = await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName ?? u.Email).FirstOrDefaultAsync(ct) ?? "?";
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var message = CustomerRequestHub.Post(db, entry, MessageSide.Customer, userId, author, text!, now);
        RequestFiles.Attach(db, entry, checkedFiles, userId, now);
        dispute.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await mail.NotifyFollowersAsync(entry, message, userId, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new Result.Done(dispute.Number);
    }

    /// <summary>
    /// Resolves a dispute (staff in the console or the billing system), in the caller's unit of work:
    /// the hub entry closes, the note goes to the thread and to the followers, dispute.resolved is recorded.
    /// </summary>
    public async Task ResolveAsync(InvoiceDispute dispute, CustomerRequest entry, DisputeResolution resolution, string? note, MessageSide side, string? authorUserId, string authorName, DateTime now, CancellationToken ct)
    {
        dispute.Status = DisputeStatus.Resolved;
        dispute.Resolution = resolution;
        dispute.ResolutionNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        dispute.ResolvedAt = now;
        dispute.UpdatedAt = now;
        var status = CustomerRequestHub.StatusName(resolution);
        CustomerRequestHub.Move(entry, status, isOpen: false, now);
        var body = l["Resolved: {0}.", RequestMail.StatusName(status, l)] + (dispute.ResolutionNote is null ? "" : "\n\n" + dispute.ResolutionNote);
        var message = CustomerRequestHub.Post(db, entry, side, authorUserId, authorName, body, now);
        var invoice = await db.Invoices.Where(i => i.Id == dispute.InvoiceId).Select(i => i.Number).FirstAsync(ct);
        var externalId = await db.Accounts.Where(a => a.Id == dispute.AccountId).Select(a => a.ExternalId).FirstAsync(ct);
        events.Record("dispute.resolved", dispute.AccountId, externalId, new
        {
            number = dispute.Number,
            invoice,
            resolution = status,
            note = dispute.ResolutionNote,
            resolvedAt = now,
            resolvedBy = side == MessageSide.BillingSystem ? "billing-system" : authorName,
        });
        await mail.NotifyFollowersAsync(entry, message, null, ct);
    }
}
