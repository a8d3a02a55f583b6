using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;
using Portal.Data;

namespace Portal.Bench.Reference;

/// <summary>
/// The floor for what the portal's overview can cost (issue 16): a minimal Kestrel endpoint,
/// <c>GET /overview/{account number}</c>, that computes the overview's figures (what is open, due and
/// overdue, unapplied credits and payments, the last payment) and its newest five invoices, payments and
/// credit memos with hand-written SQL over the same indexes, in one command, and writes them as JSON. No
/// sign-in, no session, no antiforgery, no Razor, no EF: what is left is a connection from the pool, the
/// database's work and the smallest HTTP answer. The load test runs it in its own process and reports
/// each page's server CPU per request as a multiple of this one's.
/// </summary>
internal static class OverviewReference
{
    // Amounts are stored as integer ten-thousandths (ADR 0003).
    private const decimal Scale = 10_000m;

    private const string Sql = """
        SELECT a."Id", a."Currency" FROM "Accounts" a WHERE a."Number" = @number;
        SELECT COALESCE(SUM(i."OpenAmount"), 0), COUNT(*),
               COALESCE(SUM(CASE WHEN i."DueDate" <= @today THEN i."OpenAmount" END), 0),
               COUNT(CASE WHEN i."DueDate" < @today THEN 1 END)
          FROM "Invoices" i JOIN "Accounts" a ON a."Id" = i."AccountId"
         WHERE a."Number" = @number AND i."OpenAmount" > 0 AND NOT i."IsVoid";
        SELECT (SELECT COALESCE(SUM(c."RemainingAmount"), 0) FROM "CreditMemos" c WHERE c."AccountId" = a."Id" AND c."RemainingAmount" > 0 AND NOT c."IsVoid"),
               (SELECT COALESCE(SUM(p."UnappliedAmount"), 0) FROM "Payments" p WHERE p."AccountId" = a."Id" AND p."UnappliedAmount" > 0 AND p."Status" = 1)
          FROM "Accounts" a WHERE a."Number" = @number;
        SELECT i."Number", i."IssueDate", i."DueDate", i."Total", i."OpenAmount", i."IsVoid"
          FROM "Invoices" i JOIN "Accounts" a ON a."Id" = i."AccountId"
         WHERE a."Number" = @number ORDER BY i."IssueDate" DESC, i."Id" DESC LIMIT 5;
        SELECT p."Number", p."ReceivedAt", p."Amount", p."Status"
          FROM "Payments" p JOIN "Accounts" a ON a."Id" = p."AccountId"
         WHERE a."Number" = @number ORDER BY p."ReceivedAt" DESC, p."Id" DESC LIMIT 5;
        SELECT c."Number", c."Date", c."Amount", c."RemainingAmount"
          FROM "CreditMemos" c JOIN "Accounts" a ON a."Id" = c."AccountId"
         WHERE a."Number" = @number ORDER BY c."Date" DESC, c."Id" DESC LIMIT 5;
        """;

    public static async Task<int> RunAsync(DatabaseProvider provider, string connection, string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        await using var app = builder.Build();
        // Both drivers pool connections: opening one per request is what the portal does too.
        await using var postgres = provider == DatabaseProvider.Postgres ? NpgsqlDataSource.Create(connection) : null;
        Func<DbConnection> open = postgres is not null ? postgres.CreateConnection : () => new SqliteConnection(connection);
        app.MapGet("/overview/{number}", (string number, HttpContext http) => WriteAsync(open, provider, number, http));
        await app.RunAsync();
        return 0;
    }

    private static async Task WriteAsync(Func<DbConnection> open, DatabaseProvider provider, string number, HttpContext http)
    {
        var ct = http.RequestAborted;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using var connection = open();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        Add(command, "@number", number);
        // SQLite keeps dates as ISO text; PostgreSQL as date.
        Add(command, "@today", provider == DatabaseProvider.Sqlite ? today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : today);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            http.Response.StatusCode = 404;
            return;
        }

        http.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(http.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("currency", reader.GetString(1));
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        json.WriteNumber("open", reader.GetInt64(0) / Scale);
        json.WriteNumber("openCount", reader.GetInt64(1));
        json.WriteNumber("due", reader.GetInt64(2) / Scale);
        json.WriteNumber("overdueCount", reader.GetInt64(3));
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        json.WriteNumber("credits", reader.GetInt64(0) / Scale);
        json.WriteNumber("unapplied", reader.GetInt64(1) / Scale);
        await reader.NextResultAsync(ct);
        json.WriteStartArray("invoices");
        while (await reader.ReadAsync(ct))
        {
            json.WriteStartObject();
            json.WriteString("number", reader.GetString(0));
            json.WriteString("issued", reader.GetFieldValue<DateOnly>(1).ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("due", reader.GetFieldValue<DateOnly>(2).ToString("O", CultureInfo.InvariantCulture));
            json.WriteNumber("total", reader.GetInt64(3) / Scale);
            json.WriteNumber("open", reader.GetInt64(4) / Scale);
            json.WriteBoolean("void", reader.GetBoolean(5));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        await reader.NextResultAsync(ct);
        json.WriteStartArray("payments");
        while (await reader.ReadAsync(ct))
        {
            json.WriteStartObject();
            json.WriteString("number", reader.GetString(0));
            json.WriteString("received", reader.GetDateTime(1));
            json.WriteNumber("amount", reader.GetInt64(2) / Scale);
            json.WriteNumber("status", reader.GetInt32(3));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        await reader.NextResultAsync(ct);
        json.WriteStartArray("credits");
        while (await reader.ReadAsync(ct))
        {
            json.WriteStartObject();
            json.WriteString("number", reader.GetString(0));
            json.WriteString("date", reader.GetFieldValue<DateOnly>(1).ToString("O", CultureInfo.InvariantCulture));
            json.WriteNumber("amount", reader.GetInt64(2) / Scale);
            json.WriteNumber("remaining", reader.GetInt64(3) / Scale);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(ct);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
