using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class UsageDayTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "UsageDayTotals",
                columns: table => new
                {
                    AccountId = table.Column<long>(type: "bigint", nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    ProductCode = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Unit = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Invoiced = table.Column<bool>(type: "boolean", nullable: false),
                    Quantity = table.Column<long>(type: "bigint", nullable: false),
                    Records = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageDayTotals", x => new { x.AccountId, x.Day, x.ProductCode, x.Unit, x.Invoiced });
                    table.ForeignKey(
                        name: "FK_UsageDayTotals_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            // Backfill from the identifier level, set-based (UsageDays holds millions of rows at scale): each
            // account's days summed over the identifiers, in the zone they are already cut in.
            migrationBuilder.Sql("""
                INSERT INTO "UsageDayTotals" ("AccountId", "Day", "ProductCode", "Unit", "Invoiced", "Quantity", "Records")
                SELECT "AccountId", "Day", "ProductCode", "Unit", "Invoiced", SUM("Quantity"), SUM("Records")
                FROM "UsageDays"
                GROUP BY "AccountId", "Day", "ProductCode", "Unit", "Invoiced";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "UsageDayTotals");
        }
    }
}
