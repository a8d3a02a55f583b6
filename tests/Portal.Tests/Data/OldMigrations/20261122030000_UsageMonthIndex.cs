using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Portal.Data;

namespace Portal.Tests.Data.OldMigrations;

/// <summary>
/// Usage records get their UTC month (yyyymm) as a column that leads the account index, and the
/// invoice index stops indexing the NULLs of unbilled records: bulk ingest into ten million rows
/// went from one random index page per record to the pages of the last month or two (ADR 0009).
/// </summary>
[DbContext(typeof(PortalDb))]
[Migration("20261122030000_UsageMonthIndex")]
public sealed class UsageMonthIndex : Migration
{
    private const string Table = "UsageRecords";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(name: "IX_UsageRecords_AccountId_OccurredAt_Id", table: Table);
        migrationBuilder.DropIndex(name: "IX_UsageRecords_InvoiceId", table: Table);
        migrationBuilder.AddColumn<int>(name: "Month", table: Table, nullable: false, defaultValue: 0);

        // SQLite keeps the time as EF's text ("2026-11-22 10:15:00..."); PostgreSQL as timestamptz.
        migrationBuilder.Sql(migrationBuilder.IsNpgsql()
            ? "UPDATE \"UsageRecords\" SET \"Month\" = (EXTRACT(YEAR FROM \"OccurredAt\" AT TIME ZONE 'UTC') * 100 + EXTRACT(MONTH FROM \"OccurredAt\" AT TIME ZONE 'UTC'))::integer;"
            : "UPDATE \"UsageRecords\" SET \"Month\" = CAST(substr(\"OccurredAt\", 1, 4) || substr(\"OccurredAt\", 6, 2) AS INTEGER);");

        migrationBuilder.CreateIndex(name: "IX_UsageRecords_Month_AccountId_OccurredAt_Id", table: Table, columns: new[] { "Month", "AccountId", "OccurredAt", "Id" });
        migrationBuilder.CreateIndex(name: "IX_UsageRecords_InvoiceId", table: Table, column: "InvoiceId", filter: "\"InvoiceId\" IS NOT NULL");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(name: "IX_UsageRecords_Month_AccountId_OccurredAt_Id", table: Table);
        migrationBuilder.DropIndex(name: "IX_UsageRecords_InvoiceId", table: Table);
        migrationBuilder.DropColumn(name: "Month", table: Table);
        migrationBuilder.CreateIndex(name: "IX_UsageRecords_AccountId_OccurredAt_Id", table: Table, columns: new[] { "AccountId", "OccurredAt", "Id" });
        migrationBuilder.CreateIndex(name: "IX_UsageRecords_InvoiceId", table: Table, column: "InvoiceId");
    }
}
