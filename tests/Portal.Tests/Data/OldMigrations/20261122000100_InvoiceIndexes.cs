using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Portal.Data;

namespace Portal.Tests.Data.OldMigrations;

/// <summary>
/// The invoice list sorts by total and by open balance with keyset paging: each sort needs an index on
/// (account, key, id) so that any page is a short index range, not a sort of the account's history.
/// </summary>
[DbContext(typeof(PortalDb))]
[Migration("20261122000100_InvoiceIndexes")]
public sealed class InvoiceIndexes : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateIndex(
            name: "IX_Invoices_AccountId_Total_Id",
            table: "Invoices",
            columns: new[] { "AccountId", "Total", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_Invoices_AccountId_OpenAmount_Id",
            table: "Invoices",
            columns: new[] { "AccountId", "OpenAmount", "Id" });
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(name: "IX_Invoices_AccountId_OpenAmount_Id", table: "Invoices");
        migrationBuilder.DropIndex(name: "IX_Invoices_AccountId_Total_Id", table: "Invoices");
    }
}
