using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Catalog;
using Portal.Features.Requests;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Email;
using Portal.Infrastructure.Events;
using Portal.Resources;

namespace Portal.Features.Orders;

/// <summary>A pad line as the review shows it: today's product and price, or the product flagged as withdrawn.</summary>
public sealed record PadLine(long ProductId, string Code, string Name, string Unit, decimal Quantity, bool Active, decimal? UnitPrice, PriceSource Source, decimal? Amount)
{
    public bool Orderable => Active && UnitPrice is not null;
}

/// <summary>The pad with its lines priced on the server.</summary>
public sealed record PadView(OrderPad Pad, IReadOnlyList<PadLine> Lines, string Currency)
{
    public decimal Total => Lines.Where(l => l.Orderable).Sum(l => l.Amount ?? 0m);

    public bool HasProblems => Lines.Any(l => !l.Orderable);
}

/// <summary>What the customer types on the review page; never a price or a product's details.</summary>
public sealed record PadHeader(string? PurchaseOrder, string? RequestedDate, string? Notes);

public abstract record SubmitResult
{
    public sealed record Placed(string Number) : SubmitResult;

    /// <summary>A double click or a replay: the order this pad already became.</summary>
    public sealed record AlreadyPlaced(string Number) : SubmitResult;

    public sealed record Refused(IReadOnlyDictionary<string, string> Errors) : SubmitResult;
}

/// <summary>
/// The order pad: a cart per user and account in the database, priced from the catalogue on every read,
/// and its submission as one order. Submitting writes the order, its <c>order.submitted</c> event, the
/// confirmation e-mail and the pad's removal in one SaveChanges (one transaction); the pad's key is the
/// order's unique submission key, so concurrent or replayed submissions of one pad make one order.
/// </summary>
public sealed class OrderPadService(
    PortalDb db,
    OperatorClock clock,
    IntegrationEvents events,
    EmailOutbox outbox,
    PublicLinks links,
    IStringLocalizer<SharedResource> l)
{
    public const decimal MaxQuantity = 100_000m;
    public const int MaxLines = 200;
    public const int MaxDecimals = 3;

    public Task<OrderPad?> FindAsync(string userId, long accountId, CancellationToken ct) =>
        db.OrderPads.FirstOrDefaultAsync(p => p.UserId == userId && p.AccountId == accountId, ct);

    public async Task<OrderPad> GetOrCreateAsync(string userId, long accountId, CancellationToken ct)
    {
        var pad = await FindAsync(userId, accountId, ct);
        if (pad is not null)
        {
            return pad;
        }

        var now = clock.UtcNow;
        pad = new OrderPad { UserId = userId, AccountId = accountId, Key = Guid.NewGuid(), CreatedAt = now, UpdatedAt = now };
        db.OrderPads.Add(pad);
        try
        {
            await db.SaveChangesAsync(ct);
            return pad;
        }
        catch (DbUpdateException)
        {
            // Two first requests at once (two tabs): the other one made the pad.
            db.ChangeTracker.Clear();
            return await FindAsync(userId, accountId, ct) ?? throw new InvalidOperationException("The order pad could not be created.");
        }
    }

    /// <summary>Parses a quantity as typed (the reader's culture, then invariant) and checks it against the unit; null with an error when it will not do.</summary>
    public decimal? ParseQuantity(string? text, string unit, out string? error)
    {
        error = null;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            error = l["Enter a quantity."];
            return null;
        }

        if (!decimal.TryParse(trimmed, NumberStyles.Number, CultureInfo.CurrentCulture, out var quantity)
            && !decimal.TryParse(trimmed, NumberStyles.Number, CultureInfo.InvariantCulture, out quantity))
        {
            error = l["The quantity must be a number."];
            return null;
        }

        if (quantity <= 0m)
        {
            error = l["The quantity must be more than zero."];
            return null;
        }

        if (quantity > MaxQuantity)
        {
            error = l["The quantity can be at most {0}.", MaxQuantity.ToString("#,0", CultureInfo.CurrentCulture)];
            return null;
        }

        if (Units.IsWhole(unit) && quantity != decimal.Truncate(quantity))
        {
            error = l["This product is sold in whole units ({0}): enter a whole number.", unit];
            return null;
        }

        if (decimal.Round(quantity, MaxDecimals) != quantity)
        {
            error = l["The quantity can have at most {0} decimals.", MaxDecimals];
            return null;
        }

        return quantity;
    }

    /// <summary>Adds a product (or adds to its quantity). Returns an error message, or null when done.</summary>
    public async Task<string?> AddAsync(CurrentAccount account, string userId, string? code, string? quantityText, CancellationToken ct)
    {
        var today = await clock.TodayAsync(ct);
        var product = await FindProductAsync(account, code, today, ct);
        if (product is null)
        {
            return l["There is no product with code {0} in the catalogue.", code ?? ""];
        }

        if (!product.Active)
        {
            return l["{0} is no longer offered.", product.Name];
        }

        if (product.UnitPrice is null)
        {
            return l["{0} has no price for your account: ask for a quote instead.", product.Name];
        }

        var quantity = ParseQuantity(quantityText, product.Unit, out var error);
        if (quantity is null)
        {
            return error;
        }

        var pad = await GetOrCreateAsync(userId, account.Id, ct);
        var line = await db.OrderPadLines.FirstOrDefaultAsync(x => x.OrderPadId == pad.Id && x.ProductId == product.Id, ct);
        if (line is null)
        {
            if (await db.OrderPadLines.CountAsync(x => x.OrderPadId == pad.Id, ct) >= MaxLines)
            {
                return l["An order can have at most {0} lines.", MaxLines];
            }

            db.OrderPadLines.Add(new OrderPadLine { OrderPadId = pad.Id, ProductId = product.Id, Quantity = quantity.Value, AddedAt = clock.UtcNow });
        }
        else
        {
            var total = line.Quantity + quantity.Value;
            if (total > MaxQuantity)
            {
                return l["The quantity can be at most {0}.", MaxQuantity.ToString("#,0", CultureInfo.CurrentCulture)];
            }

            line.Quantity = total;
        }

        pad.UpdatedAt = clock.UtcNow;
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Sets a line's quantity. Returns an error message, or null when done.</summary>
    public async Task<string?> SetQuantityAsync(CurrentAccount account, string userId, string? code, string? quantityText, CancellationToken ct)
    {
        var pad = await FindAsync(userId, account.Id, ct);
        var line = pad is null ? null : await db.OrderPadLines
            .Where(x => x.OrderPadId == pad.Id && db.Products.Any(p => p.Id == x.ProductId && p.Code == code))
            .FirstOrDefaultAsync(ct);
        if (pad is null || line is null)
        {
            return l["That product is not on your order."];
        }

        var unit = await db.Products.Where(p => p.Id == line.ProductId).Select(p => p.Unit).FirstAsync(ct);
        var quantity = ParseQuantity(quantityText, unit, out var error);
        if (quantity is null)
        {
            return error;
        }

        line.Quantity = quantity.Value;
        pad.UpdatedAt = clock.UtcNow;
        await db.SaveChangesAsync(ct);
        return null;
    }

    public async Task RemoveAsync(long accountId, string userId, string? code, CancellationToken ct)
    {
        await db.OrderPadLines
            .Where(x => db.OrderPads.Any(p => p.Id == x.OrderPadId && p.UserId == userId && p.AccountId == accountId)
                && db.Products.Any(p => p.Id == x.ProductId && p.Code == code))
            .ExecuteDeleteAsync(ct);
    }

    /// <summary>Replaces the pad's lines with a past order's products that can still be ordered; returns the codes that cannot.</summary>
    public async Task<IReadOnlyList<string>> ReorderAsync(CurrentAccount account, string userId, long orderId, CancellationToken ct)
    {
        var today = await clock.TodayAsync(ct);
        var lines = await db.Set<OrderLine>().AsNoTracking().Where(x => x.OrderId == orderId).OrderBy(x => x.LineNumber)
            .Select(x => new { x.ProductCode, x.Quantity }).ToListAsync(ct);
        var codes = lines.Select(x => x.ProductCode).Distinct().ToList();
        var products = await AccountPrices.Query(db, db.Products.Where(p => codes.Contains(p.Code)), account.Id, account.Currency, today).ToListAsync(ct);
        var byCode = products.ToDictionary(p => p.Code, StringComparer.Ordinal);
        var pad = await GetOrCreateAsync(userId, account.Id, ct);
        await db.OrderPadLines.Where(x => x.OrderPadId == pad.Id).ExecuteDeleteAsync(ct);
        var skipped = new List<string>();
        var added = new HashSet<long>();
        foreach (var line in lines)
        {
            if (!byCode.TryGetValue(line.ProductCode, out var product) || !product.Active || product.UnitPrice is null || line.Quantity <= 0m)
            {
                skipped.Add(line.ProductCode);
                continue;
            }

            if (added.Add(product.Id))
            {
                db.OrderPadLines.Add(new OrderPadLine { OrderPadId = pad.Id, ProductId = product.Id, Quantity = Math.Min(line.Quantity, MaxQuantity), AddedAt = clock.UtcNow });
            }
        }

        pad.UpdatedAt = clock.UtcNow;
        await db.SaveChangesAsync(ct);
        return skipped.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The pad and its lines priced today; products withdrawn (or left without a price) since they were added are kept and flagged.</summary>
    public async Task<PadView?> ViewAsync(CurrentAccount account, string userId, CancellationToken ct)
    {
        var pad = await db.OrderPads.AsNoTracking().FirstOrDefaultAsync(p => p.UserId == userId && p.AccountId == account.Id, ct);
        if (pad is null)
        {
            return null;
        }

        var today = await clock.TodayAsync(ct);
        var padLines = db.OrderPadLines.Where(x => x.OrderPadId == pad.Id);
        var priced = await AccountPrices.Query(db, db.Products.Where(p => padLines.Any(x => x.ProductId == p.Id)), account.Id, account.Currency, today).ToListAsync(ct);
        var quantities = await padLines.AsNoTracking().OrderBy(x => x.AddedAt).ThenBy(x => x.Id).Select(x => new { x.ProductId, x.Quantity }).ToListAsync(ct);
        var byId = priced.ToDictionary(p => p.Id);
        var lines = quantities.Where(q => byId.ContainsKey(q.ProductId)).Select(q =>
        {
            var p = byId[q.ProductId];
            var amount = p.UnitPrice is decimal price ? PricedLines.Amount(q.Quantity, price, account.Currency) : (decimal?)null;
            return new PadLine(p.Id, p.Code, p.Name, p.Unit, q.Quantity, p.Active, p.UnitPrice, p.Source, amount);
        }).ToList();
        return new PadView(pad, lines, account.Currency);
    }

    /// <summary>
    /// Places the order. Everything is checked first and nothing is written when anything is wrong;
    /// the key must be this pad's (a pad already submitted answers with the order it became).
    /// </summary>
    public async Task<SubmitResult> SubmitAsync(CurrentAccount account, string userId, Guid key, PadHeader header, CancellationToken ct)
    {
        var done = await PlacedWithKeyAsync(account.Id, key, ct);
        if (done is not null)
        {
            return new SubmitResult.AlreadyPlaced(done);
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var view = await ViewAsync(account, userId, ct);
        if (view is null || view.Pad.Key != key)
        {
            // The order and the pad's removal commit together: a pad gone since the first check means
            // another request has just placed the order.
            if (await PlacedWithKeyAsync(account.Id, key, ct) is { } placedJustNow)
            {
                return new SubmitResult.AlreadyPlaced(placedJustNow);
            }

            errors["key"] = l["Your order pad changed in another window. Check it and submit again."];
            return new SubmitResult.Refused(errors);
        }

        if (view.Lines.Count == 0)
        {
            errors["lines"] = l["Your order is empty. Add products before you submit."];
        }
        else if (view.HasProblems)
        {
            errors["lines"] = l["Some products can no longer be ordered. Remove them, then submit again."];
        }

        var po = header.PurchaseOrder?.Trim();
        if (po is { Length: > 100 })
        {
            errors["PurchaseOrder"] = l["The purchase order number can be at most {0} characters.", 100];
        }

        var notes = header.Notes?.Trim();
        if (notes is { Length: > 2000 })
        {
            errors["Notes"] = l["The notes can be at most {0} characters.", 2000];
        }

        var today = await clock.TodayAsync(ct);
        DateOnly? requested = null;
        if (!string.IsNullOrWhiteSpace(header.RequestedDate))
        {
            if (!DateOnly.TryParseExact(header.RequestedDate.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                errors["RequestedDate"] = l["The requested date is not a date."];
            }
            else if (date < today)
            {
                errors["RequestedDate"] = l["The requested date cannot be in the past."];
            }
            else if (date > today.AddYears(1))
            {
                errors["RequestedDate"] = l["The requested date can be at most a year ahead."];
            }
            else
            {
                requested = date;
            }
        }

        if (errors.Count > 0)
        {
            // The pad and its lines are read in two queries: a request that places the order between
            // them leaves this one an "empty" pad. Its key then names the order just placed.
            return await PlacedWithKeyAsync(account.Id, key, ct) is { } placedMeanwhile
                ? new SubmitResult.AlreadyPlaced(placedMeanwhile)
                : new SubmitResult.Refused(errors);
        }

        var accountRow = await db.Accounts.AsNoTracking().Where(a => a.Id == account.Id)
            .Select(a => new { a.ExternalId, a.Name, a.AddressLine1, a.AddressLine2, a.City, a.Region, a.PostalCode, a.Country }).FirstAsync(ct);
        var address = string.Join(", ", new[] { accountRow.AddressLine1, accountRow.AddressLine2, accountRow.City, string.Join(" ", new[] { accountRow.Region, accountRow.PostalCode }.Where(s => !string.IsNullOrWhiteSpace(s))), accountRow.Country }
            .Where(s => !string.IsNullOrWhiteSpace(s)));
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        var now = clock.UtcNow;
        var order = new Order
        {
            AccountId = account.Id,
            Number = NewNumber("W"),
            OrderedAt = now,
            Status = OrderStatus.Submitted,
            Source = DocumentSource.Portal,
            Currency = account.Currency,
            PurchaseOrder = string.IsNullOrEmpty(po) ? null : po,
            Notes = string.IsNullOrEmpty(notes) ? null : notes,
            PlacedByUserId = userId,
            RequestedDate = requested,
            DeliveryAddress = address.Length == 0 ? null : address[..Math.Min(address.Length, 500)],
            SubmissionKey = key,
            UpdatedAt = now,
        };
        order.Lines.AddRange(view.Lines.Select((x, i) => new OrderLine
        {
            LineNumber = i + 1,
            ProductCode = x.Code,
            Description = x.Name,
            Quantity = x.Quantity,
            Unit = x.Unit,
            UnitPrice = x.UnitPrice!.Value,
            Amount = x.Amount!.Value,
        }));
        order.Total = order.Lines.Sum(x => x.Amount);
        var padRow = await db.OrderPads.FirstOrDefaultAsync(p => p.Id == view.Pad.Id, ct);
        if (padRow is null)
        {
            // Submitted by another request between our read and now.
            return await PlacedWithKeyAsync(account.Id, key, ct) is { } placedMeanwhile
                ? new SubmitResult.AlreadyPlaced(placedMeanwhile)
                : new SubmitResult.Refused(new Dictionary<string, string> { ["key"] = l["Your order pad changed in another window. Check it and submit again."] });
        }

        db.Orders.Add(order);
        db.OrderPads.Remove(padRow);
        events.Record("order.submitted", account.Id, accountRow.ExternalId, new
        {
            number = order.Number,
            orderedAt = order.OrderedAt,
            currency = order.Currency,
            total = order.Total,
            purchaseOrder = order.PurchaseOrder,
            requestedDate = order.RequestedDate,
            deliveryAddress = order.DeliveryAddress,
            notes = order.Notes,
            placedBy = email,
            lines = order.Lines.Select(x => new { x.LineNumber, x.ProductCode, x.Description, x.Quantity, x.Unit, x.UnitPrice, x.Amount }),
        });
        if (!string.IsNullOrEmpty(email))
        {
            QueueConfirmation(email, account, order);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request submitted this pad first (its key is taken, or the pad is already gone):
            // nothing of ours was written; answer with the order it made.
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            var placed = await PlacedWithKeyAsync(account.Id, key, ct);
            if (placed is not null)
            {
                return new SubmitResult.AlreadyPlaced(placed);
            }

            throw;
        }

        // The console's requests inbox shows every portal order, read only (docs/decisions/0015).
        CustomerRequestHub.Open(db, account.Id, RequestKind.Order, order.Number, Subject(order), CustomerRequestHub.StatusName(order.Status), order.Id, userId, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new SubmitResult.Placed(order.Number);
    }

    /// <summary>What the inbox lists for an order: its purchase order and first line, and how many more lines it has.</summary>
    public static string Subject(Order order)
    {
        var first = order.Lines.OrderBy(x => x.LineNumber).FirstOrDefault();
        var text = first is null ? order.Number : first.Description;
        if (order.Lines.Count > 1)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" (+{order.Lines.Count - 1})");
        }

        return order.PurchaseOrder is null ? text : $"PO {order.PurchaseOrder} · {text}";
    }

    /// <summary>Whether anyone still has to act on an order in this status (it is neither delivered nor cancelled).</summary>
    public static bool IsOpenStatus(OrderStatus status) => status is not (OrderStatus.Delivered or OrderStatus.Cancelled);

    private async Task<string?> PlacedWithKeyAsync(long accountId, Guid key, CancellationToken ct) =>
        await db.Orders.AsNoTracking().Where(o => o.SubmissionKey == key && o.AccountId == accountId).Select(o => o.Number).FirstOrDefaultAsync(ct);

    private async Task<PricedProduct?> FindProductAsync(CurrentAccount account, string? code, DateOnly today, CancellationToken ct)
    {
        code = code?.Trim();
        if (string.IsNullOrEmpty(code) || code.Length > 50)
        {
            return null;
        }

        return await AccountPrices.Query(db, db.Products.Where(p => p.Code == code), account.Id, account.Currency, today).FirstOrDefaultAsync(ct);
    }

    private void QueueConfirmation(string email, CurrentAccount account, Order order)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine(l["We received your order {0} for account {1}.", order.Number, account.Number]);
        text.AppendLine();
        foreach (var line in order.Lines)
        {
            text.AppendLine(CultureInfo.CurrentCulture, $"{line.ProductCode}  {line.Description}  {line.Quantity.ToString("#,0.###", CultureInfo.CurrentCulture)} {line.Unit}");
        }

        if (account.SeesMoney)
        {
            text.AppendLine();
            text.AppendLine(l["Total: {0}", Currencies.Format(order.Total, order.Currency, CultureInfo.CurrentCulture)]);
        }

        if (order.PurchaseOrder is not null)
        {
            text.AppendLine(l["Purchase order: {0}", order.PurchaseOrder]);
        }

        text.AppendLine();
        text.AppendLine(l["We will confirm it shortly. Follow it here: {0}", links.To("/orders/" + Uri.EscapeDataString(order.Number))]);
        outbox.Enqueue(email, l["Order {0} received", order.Number], text.ToString(), null, "order-confirmation", account.Id);
    }

    /// <summary>A portal document number: a prefix and eight characters that need no counter (so no race between instances).</summary>
    public static string NewNumber(string prefix)
    {
        const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
        Span<byte> bytes = stackalloc byte[8];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        var chars = new char[8];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[bytes[i] % Alphabet.Length];
        }

        return prefix + "-" + new string(chars);
    }
}
