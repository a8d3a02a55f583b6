using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Requests;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Email;
using Portal.Infrastructure.Events;
using Portal.Resources;

namespace Portal.Features.CallOffs;

/// <summary>What the call-off form sends: the chosen items with quantities, and the pickup details.</summary>
public sealed class CallOffForm
{
    public List<CallOffFormLine> Lines { get; set; } = [];

    public string? PickupDate { get; set; }

    public string? ContactName { get; set; }

    public string? ContactPhone { get; set; }

    public string? Notes { get; set; }
}

public sealed class CallOffFormLine
{
    public long ItemId { get; set; }

    public string? Quantity { get; set; }
}

/// <summary>An item that can be called off, as the form and its review show it.</summary>
public sealed record CallOffItem(long Id, string ContractNumber, string ContractExternalId, int LineNumber, string ProductCode, string Description, string? AssetNumber, decimal OnRent, decimal CalledOff, DateOnly? ExpectedReturn)
{
    public decimal Available => Math.Max(0m, OnRent - CalledOff);
}

/// <summary>A checked call-off, ready to send: each line with its item.</summary>
public sealed record CheckedCallOff(IReadOnlyList<(CallOffItem Item, decimal Quantity)> Lines, DateOnly PickupDate, string ContactName, string ContactPhone, string? Notes);

public abstract record CallOffResult
{
    public sealed record Sent(string Number) : CallOffResult;

    /// <summary>Refused, nothing written; the errors are keyed by the form's field names.</summary>
    public sealed record Refused(IReadOnlyDictionary<string, string> Errors) : CallOffResult;
}

/// <summary>
/// Calls items off rent. The quantities are held on the contract items by a conditional update
/// (<c>QuantityCalledOff + q &lt;= QuantityOut - QuantityReturned</c>), so two call-offs of the same item
/// racing on two instances can never together ask for more than is out: the second update matches no
/// row and the whole call-off is refused. The call-off, its event, its e-mails and the activity entry
/// commit in the same transaction as the held quantities.
/// </summary>
public sealed class CallOffService(
    PortalDb db,
    OperatorClock clock,
    OperatorSettingsCache settings,
    IntegrationEvents events,
    EmailOutbox outbox,
    ActivityLog activity,
    PublicLinks links,
    IStringLocalizer<SharedResource> l)
{
    public const int MaxLines = 100;

    /// <summary>The account's items on rent among <paramref name="ids"/>; another account's ids or returned items are simply absent.</summary>
    public async Task<List<CallOffItem>> ItemsAsync(long accountId, IEnumerable<long> ids, CancellationToken ct)
    {
        var wanted = ids.Distinct().Take(MaxLines).ToList();
        if (wanted.Count == 0)
        {
            return [];
        }

        return await (from i in db.ContractItems.AsNoTracking()
                      join c in db.Contracts.AsNoTracking() on i.ContractId equals c.Id
                      where wanted.Contains(i.Id) && i.AccountId == accountId && c.AccountId == accountId && i.QuantityOut > i.QuantityReturned
                      orderby c.Number, i.LineNumber
                      select new CallOffItem(i.Id, c.Number, c.ExternalId, i.LineNumber, i.ProductCode, i.Description, i.AssetNumber, i.QuantityOut - i.QuantityReturned, i.QuantityCalledOff, i.ExpectedReturn))
            .ToListAsync(ct);
    }

    /// <summary>Checks the form against what is on rent now; the errors are keyed by field name.</summary>
    public async Task<(CheckedCallOff? CallOff, Dictionary<string, string> Errors)> CheckAsync(CurrentAccount account, CallOffForm form, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var items = (await ItemsAsync(account.Id, form.Lines.Select(x => x.ItemId), ct)).ToDictionary(i => i.Id);
        var lines = new List<(CallOffItem, decimal)>();
        var seen = new HashSet<long>();
        for (var n = 0; n < form.Lines.Count && n < MaxLines; n++)
        {
            var line = form.Lines[n];
            var key = $"Lines[{n}].Quantity";
            if (string.IsNullOrWhiteSpace(line.Quantity) || line.Quantity.Trim() == "0")
            {
                continue;
            }

            if (!items.TryGetValue(line.ItemId, out var item) || !seen.Add(line.ItemId))
            {
                errors[key] = l["This item is not on rent on this account."];
                continue;
            }

            if (!decimal.TryParse(line.Quantity.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var quantity)
                && !decimal.TryParse(line.Quantity.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.CurrentCulture, out quantity))
            {
                errors[key] = l["Enter a quantity as a number."];
            }
            else if (quantity <= 0 || decimal.Round(quantity, 4) != quantity)
            {
                errors[key] = l["Enter a quantity above zero."];
            }
            else if (quantity > item.Available)
            {
                errors[key] = l["You can call off at most {0} of {1}.", item.Available.ToString("#,0.####", CultureInfo.CurrentCulture), item.ProductCode];
            }
            else
            {
                lines.Add((item, quantity));
            }
        }

        if (form.Lines.Count > MaxLines)
        {
            errors["Lines"] = l["A call-off can hold at most {0} items.", MaxLines];
        }
        else if (lines.Count == 0 && errors.Count == 0)
        {
            errors["Lines"] = l["Choose at least one item and a quantity to call off."];
        }

        var today = await clock.TodayAsync(ct);
        DateOnly pickup = default;
        if (string.IsNullOrWhiteSpace(form.PickupDate))
        {
            errors[nameof(CallOffForm.PickupDate)] = l["Enter the pickup date."];
        }
        else if (!DateOnly.TryParseExact(form.PickupDate.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out pickup))
        {
            errors[nameof(CallOffForm.PickupDate)] = l["The pickup date is not a date."];
        }
        else if (pickup < today)
        {
            errors[nameof(CallOffForm.PickupDate)] = l["The pickup date cannot be in the past."];
        }
        else if (pickup > today.AddDays(180))
        {
            errors[nameof(CallOffForm.PickupDate)] = l["The pickup date can be at most 180 days ahead."];
        }

        var name = form.ContactName?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors[nameof(CallOffForm.ContactName)] = l["Enter the name of the contact on site."];
        }
        else if (name.Length > 100)
        {
            errors[nameof(CallOffForm.ContactName)] = l["The contact name can be at most {0} characters.", 100];
        }

        var phone = form.ContactPhone?.Trim();
        if (string.IsNullOrEmpty(phone))
        {
            errors[nameof(CallOffForm.ContactPhone)] = l["Enter the phone number of the contact on site."];
        }
        else if (phone.Length > 40 || phone.Count(char.IsAsciiDigit) < 7 || phone.Any(c => !(char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '(' or ')' or '.' or 'x')))
        {
            errors[nameof(CallOffForm.ContactPhone)] = l["Enter a phone number of at least 7 digits."];
        }

        var notes = form.Notes?.Trim();
        if (notes is { Length: > 1000 })
        {
            errors[nameof(CallOffForm.Notes)] = l["The notes can be at most {0} characters.", 1000];
        }

        return errors.Count > 0
            ? (null, errors)
            : (new CheckedCallOff(lines, pickup, name!, phone!, string.IsNullOrEmpty(notes) ? null : notes), errors);
    }

    /// <summary>Checks the form again and sends the call-off: all of it in one transaction, or nothing.</summary>
    public async Task<CallOffResult> SendAsync(CurrentAccount account, string userId, CallOffForm form, CancellationToken ct)
    {
        var (callOff, errors) = await CheckAsync(account, form, ct);
        if (callOff is null)
        {
            return new CallOffResult.Refused(errors);
        }

        var operatorSettings = await settings.GetAsync(ct);
        var accountRow = await db.Accounts.AsNoTracking().Where(a => a.Id == account.Id).Select(a => new { a.ExternalId, a.Name }).FirstAsync(ct);
        var requester = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.Email, u.DisplayName }).FirstOrDefaultAsync(ct);
        var now = clock.UtcNow;

        await using var tx = await db.Database.BeginTransactionAsync(ct);

        // Held in item order, so that two call-offs of the same items wait for each other on PostgreSQL instead of deadlocking.
        foreach (var (item, quantity) in callOff.Lines.OrderBy(x => x.Item.Id))
        {
            var held = await db.ContractItems
                .Where(i => i.Id == item.Id && i.AccountId == account.Id && i.QuantityCalledOff + quantity <= i.QuantityOut - i.QuantityReturned)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.QuantityCalledOff, i => i.QuantityCalledOff + quantity), ct);
            if (held == 0)
            {
                await tx.RollbackAsync(ct);
                var index = form.Lines.FindIndex(x => x.ItemId == item.Id);
                var left = (await ItemsAsync(account.Id, [item.Id], ct)).FirstOrDefault()?.Available ?? 0m;
                return new CallOffResult.Refused(new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [$"Lines[{index}].Quantity"] = l["Someone has just called off some of {0}: at most {1} can still be called off.", item.ProductCode, left.ToString("#,0.####", CultureInfo.CurrentCulture)],
                });
            }
        }

        var row = new CallOff
        {
            AccountId = account.Id,
            Number = "CO-new-" + Guid.NewGuid().ToString("N"),
            Status = CallOffStatus.Sent,
            PickupDate = callOff.PickupDate,
            ContactName = callOff.ContactName,
            ContactPhone = callOff.ContactPhone,
            Notes = callOff.Notes,
            RequestedByUserId = userId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        row.Lines.AddRange(callOff.Lines.Select(x => new CallOffLine
        {
            ContractItemId = x.Item.Id,
            ContractNumber = x.Item.ContractNumber,
            ProductCode = x.Item.ProductCode,
            Description = x.Item.Description,
            AssetNumber = x.Item.AssetNumber,
            Quantity = x.Quantity,
        }));
        db.CallOffs.Add(row);
        await db.SaveChangesAsync(ct);
        row.Number = CallOff.NumberFor(row.Id);
        // Followed on /requests and answered from the console's inbox like every other request.
        CustomerRequestHub.Open(db, account.Id, RequestKind.CallOff, row.Number, Subject(row.Lines, row.PickupDate), CustomerRequestHub.StatusName(row.Status), row.Id, userId, now);

        events.Record("calloff.requested", account.Id, accountRow.ExternalId, new
        {
            number = row.Number,
            pickupDate = row.PickupDate,
            contactName = row.ContactName,
            contactPhone = row.ContactPhone,
            notes = row.Notes,
            requestedBy = requester?.Email,
            lines = callOff.Lines.Select(x => new
            {
                contract = x.Item.ContractExternalId,
                contractNumber = x.Item.ContractNumber,
                lineNumber = x.Item.LineNumber,
                productCode = x.Item.ProductCode,
                assetNumber = x.Item.AssetNumber,
                quantity = x.Quantity,
            }),
        });
        activity.Record("calloff.requested", userId, account.Id, row.Number);

        var body = Describe(row, account.Number, accountRow.Name);
        var branch = operatorSettings.SupportEmail;
        if (!string.IsNullOrWhiteSpace(branch))
        {
            outbox.Enqueue(branch, l["Call-off {0} from account {1}", row.Number, account.Number], body, null, "calloff-requested", account.Id);
        }

        if (!string.IsNullOrEmpty(requester?.Email))
        {
            outbox.Enqueue(requester.Email, l["Call-off {0} received", row.Number],
                l["We received your call-off {0}. We will confirm the pickup.", row.Number] + "\n\n" + body + "\n" + l["Follow it here: {0}", links.To("/calloffs/" + Uri.EscapeDataString(row.Number))],
                null, "calloff-confirmation", account.Id);
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new CallOffResult.Sent(row.Number);
    }

    /// <summary>
    /// Moves a call-off on (the billing system through the API, or staff in the console), in the
    /// caller's transaction: the status conditional on the one read (of two racing moves one finds
    /// nothing and false is returned, so quantities are never released twice), what it held released once
    /// it is picked up or cancelled, its request moved with a line in the thread, the requester e-mailed.
    /// Staff moves are also sent to the billing system (calloff.status_changed); its own are not echoed.
    /// </summary>
    public async Task<bool> MoveAsync(CallOff callOff, CallOffStatus to, string? note, MessageSide side, string? authorUserId, string authorName, DateTime now, CancellationToken ct)
    {
        var from = callOff.Status;
        var moved = await db.CallOffs.Where(c => c.Id == callOff.Id && c.Status == from)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, to).SetProperty(c => c.StatusNote, note).SetProperty(c => c.UpdatedAt, now), ct);
        if (moved == 0)
        {
            return false;
        }

        if (CallOff.IsOpen(from) && !CallOff.IsOpen(to))
        {
            // Picked up or cancelled: what it held is no longer waiting for a pickup.
            foreach (var line in callOff.Lines.OrderBy(x => x.ContractItemId))
            {
                var q = line.Quantity;
                await db.ContractItems.Where(i => i.Id == line.ContractItemId)
                    .ExecuteUpdateAsync(u => u.SetProperty(i => i.QuantityCalledOff, i => i.QuantityCalledOff > q ? i.QuantityCalledOff - q : 0m), ct);
            }
        }

        // A call-off sent before the requests hub has no entry yet: it gets one now.
        var entry = await CustomerRequestHub.FindAsync(db, RequestKind.CallOff, callOff.Id, ct);
        if (entry is null)
        {
            entry = CustomerRequestHub.Open(db, callOff.AccountId, RequestKind.CallOff, callOff.Number, Subject(callOff.Lines, callOff.PickupDate), CustomerRequestHub.StatusName(from), callOff.Id, callOff.RequestedByUserId, callOff.CreatedAt);
            await db.SaveChangesAsync(ct);
        }

        CustomerRequestHub.MoveAndPost(db, entry, CustomerRequestHub.StatusName(to), CallOff.IsOpen(to), side, authorUserId, authorName, now);
        if (side != MessageSide.BillingSystem && from != to)
        {
            var externalId = await db.Accounts.Where(a => a.Id == callOff.AccountId).Select(a => a.ExternalId).FirstAsync(ct);
            events.Record("calloff.status_changed", callOff.AccountId, externalId, new
            {
                number = callOff.Number,
                from = CustomerRequestHub.StatusName(from),
                status = CustomerRequestHub.StatusName(to),
                note,
                changedAt = now,
                changedBy = authorName,
            });
        }

        var requester = await db.Users.AsNoTracking().Where(u => u.Id == callOff.RequestedByUserId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        if (!string.IsNullOrEmpty(requester) && from != to)
        {
            var text = l["Call-off {0} is now: {1}.", callOff.Number, CallOffText.Status(to, l)] + "\n"
                + (note is null ? "" : note + "\n")
                + "\n" + l["Follow it here: {0}", links.To("/calloffs/" + Uri.EscapeDataString(callOff.Number))];
            outbox.Enqueue(requester, l["Call-off {0}: {1}", callOff.Number, CallOffText.Status(to, l)], text, null, "calloff-status", callOff.AccountId);
        }

        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// A customer's message on one of the account's call-offs, while it is still open (refused once
    /// picked up or cancelled). Null when there is no such call-off; otherwise the errors (none: written).
    /// </summary>
    public async Task<Dictionary<string, string>?> CommentAsync(CurrentAccount account, string userId, string number, string? body, CancellationToken ct)
    {
        var callOff = await db.CallOffs.AsNoTracking().Include(c => c.Lines).FirstOrDefaultAsync(c => c.AccountId == account.Id && c.Number == number, ct);
        if (callOff is null)
        {
            return null;
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var text = body?.Trim();
        if (!CallOff.IsOpen(callOff.Status))
        {
            errors["Body"] = l["This call-off is closed, so it takes no more messages."];
        }
        else if (string.IsNullOrEmpty(text))
        {
            errors["Body"] = l["Write a message."];
        }
        else if (text.Length > CustomerRequestHub.MaxBodyLength)
        {
            errors["Body"] = l["A message can be at most {0} characters.", CustomerRequestHub.MaxBodyLength];
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        var now = clock.UtcNow;
        var author = await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName ?? u.Email).FirstOrDefaultAsync(ct) ?? "?";
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var entry = await CustomerRequestHub.FindAsync(db, RequestKind.CallOff, callOff.Id, ct);
        if (entry is null)
        {
            entry = CustomerRequestHub.Open(db, callOff.AccountId, RequestKind.CallOff, callOff.Number, Subject(callOff.Lines, callOff.PickupDate), CustomerRequestHub.StatusName(callOff.Status), callOff.Id, callOff.RequestedByUserId, callOff.CreatedAt);
            await db.SaveChangesAsync(ct);
        }

        CustomerRequestHub.Post(db, entry, MessageSide.Customer, userId, author, text!, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return errors;
    }

    /// <summary>What a call-off's request is about in the lists: its items, and when they are picked up.</summary>
    public static string Subject(IReadOnlyCollection<CallOffLine> lines, DateOnly pickup)
    {
        var items = string.Join(", ", lines.Take(3).Select(x => x.ProductCode + " × " + x.Quantity.ToString("0.####", CultureInfo.InvariantCulture)));
        var text = (lines.Count > 3 ? items + ", …" : items) + " · " + pickup.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return text.Length <= 200 ? text : text[..200];
    }

    private string Describe(CallOff row, string accountNumber, string accountName)
    {
        var text = new StringBuilder();
        text.AppendLine(l["Account {0}: {1}", accountNumber, accountName]);
        text.AppendLine(l["Pickup date: {0}", row.PickupDate.ToString("d", CultureInfo.CurrentCulture)]);
        text.AppendLine(l["Site contact: {0}, {1}", row.ContactName, row.ContactPhone]);
        if (row.Notes is not null)
        {
            text.AppendLine(l["Notes: {0}", row.Notes]);
        }

        text.AppendLine();
        foreach (var line in row.Lines)
        {
            text.AppendLine(CultureInfo.CurrentCulture, $"{line.ContractNumber}  {line.ProductCode}  {line.Description}  {line.AssetNumber}  × {line.Quantity.ToString("#,0.####", CultureInfo.CurrentCulture)}");
        }

        return text.ToString();
    }
}
