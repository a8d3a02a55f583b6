using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Portal.Data;

namespace Portal.Tests.Data.OldMigrations;

/// <summary>(AccountId, Branch) on invoices, for the overview's branch selector on accounts with long histories.</summary>
[DbContext(typeof(PortalDb))]
[Migration("20261122020000_InvoiceBranchIndex")]
public sealed class InvoiceBranchIndex : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.CreateIndex(name: "IX_Invoices_AccountId_Branch", table: "Invoices", columns: new[] { "AccountId", "Branch" });

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropIndex(name: "IX_Invoices_AccountId_Branch", table: "Invoices");
}
