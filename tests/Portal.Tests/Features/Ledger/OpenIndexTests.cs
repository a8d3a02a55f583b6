using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Ledger;

/// <summary>
/// The balance and "what is open" read only the small partial indexes. SQLite uses a partial index
/// only when the query's WHERE repeats the index filter's terms as written, so a filter that EF's
/// SQL does not repeat silently turns every balance into a scan of the account's whole history.
/// </summary>
public sealed class OpenIndexTests(PortalFactory portal)
{
    [Fact]
    public async Task Open_invoices_of_an_account_are_read_from_the_open_invoices_index()
    {
        var ct = TestContext.Current.CancellationToken;
        var plan = await portal.WithDbAsync(db => PlanAsync(
            db, db.Invoices.Where(i => i.AccountId == 1 && i.OpenAmount > 0m && !i.IsVoid).Select(i => i.OpenAmount), ct));

        // Either the partial index, or the (AccountId, OpenAmount) sort index searched for OpenAmount > 0:
        // both touch only open invoices. What must never happen is a walk of the account's history.
        Assert.True(
            plan.Contains("IX_Invoices_Open", StringComparison.Ordinal)
            || System.Text.RegularExpressions.Regex.IsMatch(plan, "(SEARCH|Index Cond).*OpenAmount\"?\\)?\\s*>"),
            plan);
    }

    [Fact]
    public async Task Unapplied_credit_of_an_account_is_read_from_the_remaining_credit_index()
    {
        var ct = TestContext.Current.CancellationToken;
        var plan = await portal.WithDbAsync(db => PlanAsync(
            db, db.CreditMemos.Where(c => c.AccountId == 1 && c.RemainingAmount > 0m && !c.IsVoid).Select(c => c.RemainingAmount), ct));

        Assert.Contains("IX_CreditMemos_Remaining", plan, StringComparison.Ordinal);
    }

    // The query's own SQL (constants inlined, so no parameters), explained by the database. On
    // PostgreSQL sequential scans are disabled for the question, since the test tables are tiny.
    private static async Task<string> PlanAsync<T>(Portal.Data.PortalDb db, IQueryable<T> query, CancellationToken ct)
    {
        var sql = query.ToQueryString();
        var npgsql = db.Database.IsNpgsql();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            DbConnection connection = db.Database.GetDbConnection();
            if (npgsql)
            {
                await using var off = connection.CreateCommand();
                off.CommandText = "SET enable_seqscan = off";
                await off.ExecuteNonQueryAsync(ct);
            }

            var lines = new List<string>();
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = (npgsql ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + sql;
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    lines.Add(reader.GetString(reader.FieldCount - 1));
                }
            }

            if (npgsql)
            {
                await using var on = connection.CreateCommand();
                on.CommandText = "RESET enable_seqscan";
                await on.ExecuteNonQueryAsync(ct);
            }

            return string.Join('\n', lines);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
