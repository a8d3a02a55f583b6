using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Contracts;
using Portal.Features.Requests;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Events;
using Portal.Resources;

namespace Portal.Features.ServiceCalls;

/// <summary>What a customer sends to open a service call (as typed; checked by <see cref="ServiceCallService.OpenAsync"/>).</summary>
public sealed record ServiceCallForm(string? Subject, string? Description, string? Equipment, string? Priority, string? PreferredDate);

/// <summary>Opens, comments on and closes service calls from the portal: each in one transaction with its hub entry, events and e-mails.</summary>
public sealed class ServiceCallService(PortalDb db, OperatorClock clock, IntegrationEvents events, RequestMail mail, IStringLocalizer<SharedResource> l)
{
    public const int MaxEquipmentChoices = 200;

    public abstract record Result
    {
        public sealed record Done(string Number) : Result;

        public sealed record Refused(Dictionary<string, string> Errors) : Result;

        public sealed record NotFound : Result;
    }

    /// <summary>The account's equipment on rent now (contract number, item and asset number), offered as choices.</summary>
    public async Task<List<string>> EquipmentChoicesAsync(long accountId, CancellationToken ct) =>
        (await db.Set<ContractItem>().AsNoTracking()
            .Join(db.Contracts.Where(c => c.AccountId == accountId && c.Status != ContractStatus.Closed), i => i.ContractId, c => c.Id, (i, c) => new { c.Number, i.Description, i.AssetNumber, i.Id })
            .OrderBy(x => x.Number).ThenBy(x => x.Id).Take(MaxEquipmentChoices)
            .ToListAsync(ct))
        .Select(x => Cut($"{x.Description}{(x.AssetNumber is null ? "" : " #" + x.AssetNumber)} ({x.Number})", 200))
        .Distinct(StringComparer.Ordinal).ToList();

    public async Task<Result> OpenAsync(CurrentAccount account, string userId, ServiceCallForm form, IReadOnlyList<IFormFile> files, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var subject = form.Subject?.Trim();
        if (string.IsNullOrEmpty(subject))
        {
            errors["Subject"] = l["Enter a subject."];
        }
        else if (subject.Length > 200)
        {
            errors["Subject"] = l["The subject can be at most {0} characters.", 200];
        }

        var description = form.Description?.Trim();
        if (string.IsNullOrEmpty(description))
        {
            errors["Description"] = l["Describe the problem."];
        }
        else if (description.Length > 4000)
        {
            errors["Description"] = l["The description can be at most {0} characters.", 4000];
        }

        var equipment = form.Equipment?.Trim();
        if (equipment is { Length: > 200 })
        {
            errors["Equipment"] = l["The equipment can be at most {0} characters.", 200];
        }

        if (!Enum.TryParse<ServiceCallPriority>(form.Priority, ignoreCase: true, out var priority) || !Enum.IsDefined(priority) || int.TryParse(form.Priority, out _))
        {
            errors["Priority"] = l["Choose a priority from the list."];
        }

        var today = await clock.TodayAsync(ct);
        DateOnly? preferred = null;
        if (!string.IsNullOrWhiteSpace(form.PreferredDate))
        {
            if (!DateOnly.TryParseExact(form.PreferredDate.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                errors["PreferredDate"] = l["The preferred date is not a date."];
            }
            else if (date < today)
            {
                errors["PreferredDate"] = l["The preferred date cannot be in the past."];
            }
            else if (date > today.AddYears(1))
            {
                errors["PreferredDate"] = l["The preferred date can be at most a year ahead."];
            }
            else
            {
                preferred = date;
            }
        }

        var checkedFiles = await RequestFiles.ReadAsync(files, "Files", (f, m) => errors.TryAdd(f, m), l, ct);
        if (errors.Count > 0)
        {
            return new Result.Refused(errors);
        }

        var now = clock.UtcNow;
        var call = new ServiceCall
        {
            AccountId = account.Id,
            Number = Orders.OrderPadService.NewNumber("SC"),
            Subject = subject!,
            Description = description!,
            Equipment = string.IsNullOrEmpty(equipment) ? null : equipment,
            Priority = priority,
            PreferredDate = preferred,
            Status = ServiceCallStatus.Open,
            OpenedAt = now,
            OpenedByUserId = userId,
            UpdatedAt = now,
        };
        var externalId = await AccountExternalIdAsync(account.Id, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.ServiceCalls.Add(call);
        await db.SaveChangesAsync(ct);
        var entry = CustomerRequestHub.Open(db, account.Id, RequestKind.ServiceCall, call.Number, call.Subject, CustomerRequestHub.StatusName(call.Status), call.Id, userId, now);
        await db.SaveChangesAsync(ct);
        RequestFiles.Attach(db, entry, checkedFiles, userId, now);
        events.Record("service_call.opened", account.Id, externalId, new
        {
            number = call.Number,
            subject = call.Subject,
            description = call.Description,
            equipment = call.Equipment,
            priority = CustomerRequestHub.StatusName(call.Priority),
            preferredDate = call.PreferredDate,
            openedAt = call.OpenedAt,
            openedBy = await EmailOfAsync(userId, ct),
            attachments = checkedFiles.Select(f => new { fileName = f.FileName, contentType = f.ContentType, length = f.Bytes.Length }),
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new Result.Done(call.Number);
    }

    /// <summary>A customer's comment on one of the account's open calls (another account's call is not found; a closed one refuses).</summary>
    public async Task<Result> CommentAsync(CurrentAccount account, string userId, string number, string? body, IReadOnlyList<IFormFile> files, CancellationToken ct)
    {
        var call = await db.ServiceCalls.FirstOrDefaultAsync(s => s.AccountId == account.Id && s.Number == number, ct);
        if (call is null)
        {
            return new Result.NotFound();
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var text = body?.Trim();
        if (!ServiceCall.IsOpenStatus(call.Status))
        {
            errors["Body"] = l["This service call is closed, so it takes no more comments. Open a new call if the problem is back."];
        }
        else if (string.IsNullOrEmpty(text))
        {
            errors["Body"] = l["Write a comment."];
        }
        else if (text.Length > CustomerRequestHub.MaxBodyLength)
        {
            errors["Body"] = l["A comment can be at most {0} characters.", CustomerRequestHub.MaxBodyLength];
        }

        var checkedFiles = errors.Count > 0 ? [] : await RequestFiles.ReadAsync(files, "Files", (f, m) => errors.TryAdd(f, m), l, ct);
        if (errors.Count > 0)
        {
            return new Result.Refused(errors);
        }

        var now = clock.UtcNow;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var entry = await EntryAsync(call, ct);
        var author = await NameOfAsync(userId, ct);
        var message = CustomerRequestHub.Post(db, entry, MessageSide.Customer, userId, author, text!, now);
        RequestFiles.Attach(db, entry, checkedFiles, userId, now);
        call.UpdatedAt = now;
        events.Record("service_call.commented", account.Id, await AccountExternalIdAsync(account.Id, ct), new
        {
            number = call.Number,
            author,
            authorEmail = await EmailOfAsync(userId, ct),
            body = text,
            createdAt = now,
            attachments = checkedFiles.Select(f => new { fileName = f.FileName, contentType = f.ContentType, length = f.Bytes.Length }),
        });
        await db.SaveChangesAsync(ct);
        await mail.NotifyFollowersAsync(entry, message, userId, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new Result.Done(call.Number);
    }

    /// <summary>The customer closes one of the account's calls (closing a closed call changes nothing).</summary>
    public async Task<Result> CloseAsync(CurrentAccount account, string userId, string number, CancellationToken ct)
    {
        var call = await db.ServiceCalls.FirstOrDefaultAsync(s => s.AccountId == account.Id && s.Number == number, ct);
        if (call is null)
        {
            return new Result.NotFound();
        }

        if (!ServiceCall.IsOpenStatus(call.Status))
        {
            return new Result.Refused(new Dictionary<string, string>(StringComparer.Ordinal) { ["Close"] = l["This service call is already closed."] });
        }

        var now = clock.UtcNow;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var entry = await EntryAsync(call, ct);
        call.Status = ServiceCallStatus.Closed;
        call.UpdatedAt = now;
        CustomerRequestHub.Move(entry, CustomerRequestHub.StatusName(call.Status), isOpen: false, now);
        events.Record("service_call.closed", account.Id, await AccountExternalIdAsync(account.Id, ct), new
        {
            number = call.Number,
            closedAt = now,
            closedBy = await EmailOfAsync(userId, ct),
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new Result.Done(call.Number);
    }

    // The hub's entry of a call; a call the billing system opened before the hub existed gets one now.
    private async Task<CustomerRequest> EntryAsync(ServiceCall call, CancellationToken ct)
    {
        var entry = await CustomerRequestHub.FindAsync(db, RequestKind.ServiceCall, call.Id, ct);
        if (entry is null)
        {
            entry = CustomerRequestHub.Open(db, call.AccountId, RequestKind.ServiceCall, call.Number, call.Subject, CustomerRequestHub.StatusName(call.Status), call.Id, call.OpenedByUserId, call.OpenedAt);
            await db.SaveChangesAsync(ct);
        }

        return entry;
    }

    private Task<string?> AccountExternalIdAsync(long accountId, CancellationToken ct) =>
        db.Accounts.Where(a => a.Id == accountId).Select(a => (string?)a.ExternalId).FirstOrDefaultAsync(ct);

    private Task<string?> EmailOfAsync(string userId, CancellationToken ct) =>
        db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(ct);

    private async Task<string> NameOfAsync(string userId, CancellationToken ct) =>
        await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName ?? u.Email).FirstOrDefaultAsync(ct) ?? "?";

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];
}
