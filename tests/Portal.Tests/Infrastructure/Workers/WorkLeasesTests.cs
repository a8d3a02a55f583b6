using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Infrastructure;
using Portal.Infrastructure.Email;
using Portal.Infrastructure.Workers;

namespace Portal.Tests.Infrastructure.Workers;

/// <summary>
/// The one claiming helper every background worker uses (e-mail, webhooks, exports, payments), tested on
/// its own with e-mail rows as the work: what is due and only that, oldest first, never one row to two
/// claimers however many race, a crashed claim running out, and a stopped worker handing back only what
/// is still its own. On SQLite and PostgreSQL, as every test here.
/// </summary>
public sealed class WorkLeasesTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private readonly WorkerPortal _portal = WorkerPortal.Start();
    private readonly string _kind = "lease-test-" + Guid.NewGuid().ToString("N")[..8];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task A_claim_takes_only_due_rows_oldest_first_up_to_its_count()
    {
        var now = Now();
        var ids = await AddAsync(now.AddMinutes(-3), now.AddMinutes(-1), now.AddMinutes(-2), now.AddMinutes(10));

        await using var scope = NewScope(out var db, out var leases);
        await using var claim = await leases.ClaimAsync(db, Eligible(db), 2, Lease, Ct);

        // The two oldest due rows (ids returned in id order), not the third due one, never the future one.
        Assert.Equal(new[] { ids[0], ids[2] }.Order(), claim.Ids);
        Assert.Equal(leases.Now() + Lease, claim.Lease, TimeSpan.FromMilliseconds(1));
        var stored = await NextAttemptsAsync();
        Assert.Equal(claim.Lease, stored[ids[0]]);
        Assert.Equal(claim.Lease, stored[ids[2]]);
        Assert.Equal(now.AddMinutes(-1), stored[ids[1]], TimeSpan.FromMilliseconds(1));
        Assert.Equal(now.AddMinutes(10), stored[ids[3]], TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Claimers_racing_over_the_same_rows_never_take_one_twice_and_leave_none()
    {
        var now = Now();
        var all = await AddAsync([.. Enumerable.Range(0, 120).Select(i => now.AddSeconds(-i))]);

        // Eight claimers, each with its own connection as eight instances would have, taking 7 at a time until nothing is due.
        var taken = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var mine = new List<long>();
            await using var scope = NewScope(out var db, out var leases);
            while (true)
            {
                var claim = await leases.ClaimAsync(db, Eligible(db), 7, Lease, Ct);
                if (claim.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(claim.Ids);
                foreach (var id in claim.Ids)
                {
                    claim.Done(id);
                }

                await claim.DisposeAsync();
            }
        }, Ct)));

        var claimed = taken.SelectMany(t => t).ToList();
        Assert.Equal(claimed.Count, claimed.Distinct().Count());
        Assert.Equal(all.Order(), claimed.Order());
    }

    [Fact]
    public async Task A_claim_that_was_never_finished_runs_out_and_is_claimed_again()
    {
        var ids = await AddAsync(Now().AddMinutes(-1));
        await using (var scope = NewScope(out var db, out var leases))
        {
            // A crash: the claim is neither finished nor handed back.
            var lost = await leases.ClaimAsync(db, Eligible(db), 10, Lease, Ct);
            Assert.Equal(ids, lost.Ids);
            Assert.Empty((await leases.ClaimAsync(db, Eligible(db), 10, Lease, Ct)).Ids);
        }

        _portal.Clock.Advance(Lease + TimeSpan.FromSeconds(1));

        await using var next = NewScope(out var db2, out var leases2);
        await using var again = await leases2.ClaimAsync(db2, Eligible(db2), 10, Lease, Ct);
        Assert.Equal(ids, again.Ids);
    }

    [Fact]
    public async Task A_stopped_worker_hands_back_what_it_did_not_finish_and_nothing_that_changed_hands()
    {
        var ids = await AddAsync(Now().AddMinutes(-3), Now().AddMinutes(-2), Now().AddMinutes(-1));
        await using var scope = NewScope(out var db, out var leases);
        var claim = await leases.ClaimAsync(db, Eligible(db), 10, Lease, Ct);
        Assert.Equal(ids, claim.Ids);

        // The first row is finished; the second's lease ran out and another instance claimed it meanwhile.
        claim.Done(ids[0]);
        var otherLease = claim.Lease.AddMinutes(7);
        await db.EmailMessages.Where(m => m.Id == ids[1]).ExecuteUpdateAsync(u => u.SetProperty(m => m.NextAttemptAt, otherLease), Ct);

        await claim.DisposeAsync();

        var stored = await NextAttemptsAsync();
        Assert.Equal(claim.Lease, stored[ids[0]]);
        Assert.Equal(otherLease, stored[ids[1]]);
        Assert.Equal(leases.Now(), stored[ids[2]], TimeSpan.FromMilliseconds(1));
        await using var next = NewScope(out var db2, out var leases2);
        await using var again = await leases2.ClaimAsync(db2, Eligible(db2), 10, Lease, Ct);
        Assert.Equal(new[] { ids[2] }, again.Ids);
    }

    private DateTime Now() => _portal.Get<WorkLeases>().Now();

    private IQueryable<EmailMessage> Eligible(PortalDb db) => db.EmailMessages.Where(m => m.Kind == _kind && m.Status == EmailStatus.Pending);

    private AsyncServiceScope NewScope(out PortalDb db, out WorkLeases leases)
    {
        var scope = _portal.Services.CreateAsyncScope();
        db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        leases = scope.ServiceProvider.GetRequiredService<WorkLeases>();
        return scope;
    }

    private async Task<long[]> AddAsync(params DateTime[] due)
    {
        var rows = due.Select((at, i) => new EmailMessage
        {
            To = $"lease{i}@customer.example",
            Subject = "Lease test",
            TextBody = "-",
            Kind = _kind,
            CreatedAt = at,
            NextAttemptAt = WorkerTime.Floor(at),
        }).ToList();
        await _portal.WithDbAsync(async db =>
        {
            db.EmailMessages.AddRange(rows);
            return await db.SaveChangesAsync(Ct);
        });
        return [.. rows.Select(r => r.Id)];
    }

    private Task<Dictionary<long, DateTime>> NextAttemptsAsync() => _portal.WithDbAsync(db =>
        db.EmailMessages.AsNoTracking().Where(m => m.Kind == _kind).ToDictionaryAsync(m => m.Id, m => m.NextAttemptAt, Ct));
}
