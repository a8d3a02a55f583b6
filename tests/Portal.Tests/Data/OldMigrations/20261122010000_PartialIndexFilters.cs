using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Portal.Data;

namespace Portal.Tests.Data.OldMigrations;

/// <summary>
/// The "what is open" partial indexes, with their filter written as EF writes the query's condition
/// (<c>NOT "IsVoid"</c>). SQLite uses a partial index only when the query's WHERE contains the
/// index's filter terms as written; with <c>"IsVoid" = FALSE</c> it never matched EF's
/// <c>NOT ("i"."IsVoid")</c>, and the balance of a 20,000-invoice account scanned all of them
/// (about 30 ms instead of 0.1 ms, docs/performance.md). PostgreSQL used the index either way.
/// </summary>
[DbContext(typeof(PortalDb))]
[Migration("20261122010000_PartialIndexFilters")]
public sealed class PartialIndexFilters : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => Recreate(migrationBuilder, "NOT \"IsVoid\"");

    protected override void Down(MigrationBuilder migrationBuilder) => Recreate(migrationBuilder, "\"IsVoid\" = FALSE");

    private static void Recreate(MigrationBuilder migrationBuilder, string notVoid)
    {
        migrationBuilder.DropIndex(name: "IX_Invoices_Open", table: "Invoices");
        migrationBuilder.CreateIndex(
            name: "IX_Invoices_Open",
            table: "Invoices",
            columns: new[] { "AccountId", "DueDate", "OpenAmount" },
            filter: $"\"OpenAmount\" > 0 AND {notVoid}");

        migrationBuilder.DropIndex(name: "IX_CreditMemos_Remaining", table: "CreditMemos");
        migrationBuilder.CreateIndex(
            name: "IX_CreditMemos_Remaining",
            table: "CreditMemos",
            columns: new[] { "AccountId", "RemainingAmount" },
            filter: $"\"RemainingAmount\" > 0 AND {notVoid}");
    }
}
