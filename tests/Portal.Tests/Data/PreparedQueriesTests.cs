using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Portal.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Data;

/// <summary>A query marked Prepared is prepared once per PostgreSQL connection and reused there (ADR 0020); others are not.</summary>
public sealed class PreparedQueriesTests(PortalFactory portal)
{
    [Fact]
    public async Task A_marked_query_is_prepared_once_per_connection_and_an_unmarked_one_not_at_all()
    {
        var ct = TestContext.Current.CancellationToken;
        var (first, second, unmarked, answers) = await portal.WithDbAsync(async db =>
        {
            // One connection for the whole test: what is prepared belongs to the connection.
            await db.Database.OpenConnectionAsync(ct);
            var marker = Guid.NewGuid().ToString("N");
            var accounts = new List<int>();
            async Task RunAsync(bool marked)
            {
                var query = db.Accounts.AsNoTracking().Where(a => a.Number != marker).TagWith(marker);
                accounts.Add(await (marked ? query.Prepared() : query).CountAsync(ct));
            }

            await RunAsync(marked: true);
            var afterFirst = await PreparedWithAsync(db, marker);
            await RunAsync(marked: true);
            var afterSecond = await PreparedWithAsync(db, marker);
            await RunAsync(marked: false);
            var afterUnmarked = await PreparedWithAsync(db, marker);
            return (afterFirst, afterSecond, afterUnmarked, accounts);
        });

        Assert.True(answers.Distinct().Count() == 1 && answers[0] > 0, "the marked and unmarked queries answer alike");
        var expected = portal.Provider == DatabaseProvider.Postgres ? 1 : 0;
        Assert.Equal(expected, first);
        Assert.Equal(expected, second); // the second execution found it prepared: no second statement
        Assert.Equal(expected, unmarked); // the unmarked query was not prepared
    }

    [Fact]
    public void The_setting_off_leaves_postgres_commands_unprepared()
    {
        static bool Prepares(bool setting)
        {
            var builder = new DbContextOptionsBuilder<PortalDb>();
            PortalDbOptions.Configure(builder, DatabaseProvider.Postgres, "Host=db;Database=portal", setting);
            return builder.Options.FindExtension<CoreOptionsExtension>()?.Interceptors?.Any(i => i is PreparedStatementsInterceptor) == true;
        }

        Assert.True(Prepares(true));
        Assert.False(Prepares(false));
    }

    private static async Task<int> PreparedWithAsync(PortalDb db, string marker)
    {
        if (!db.Database.IsNpgsql())
        {
            return 0;
        }

        var pattern = "%" + marker + "%";
        return await db.Database
            .SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM pg_prepared_statements WHERE statement LIKE {pattern} AND statement NOT LIKE '%pg_prepared_statements%'")
            .SingleAsync(TestContext.Current.CancellationToken);
    }
}
