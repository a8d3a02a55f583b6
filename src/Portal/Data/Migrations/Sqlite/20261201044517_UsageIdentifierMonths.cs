using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UsageIdentifierMonths : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "UsageIdentifierMonths",
                columns: table => new
                {
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    Month = table.Column<int>(type: "INTEGER", nullable: false),
                    ProductCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Identifier = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    FirstDay = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    LastDay = table.Column<DateOnly>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageIdentifierMonths", x => new { x.AccountId, x.Month, x.ProductCode, x.Identifier });
                    table.ForeignKey(
                        name: "FK_UsageIdentifierMonths_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            // Backfill from the identifier level, set-based (UsageDays holds millions of rows at scale): each
            // account's identifiers per local month of the days they are already cut in, with their first and last day.
            migrationBuilder.Sql("""
                INSERT INTO "UsageIdentifierMonths" ("AccountId", "Month", "ProductCode", "Identifier", "FirstDay", "LastDay")
                SELECT "AccountId", CAST(substr("Day", 1, 4) || substr("Day", 6, 2) AS INTEGER), "ProductCode", "Identifier", MIN("Day"), MAX("Day")
                FROM "UsageDays"
                WHERE "Identifier" <> ''
                GROUP BY "AccountId", CAST(substr("Day", 1, 4) || substr("Day", 6, 2) AS INTEGER), "ProductCode", "Identifier";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "UsageIdentifierMonths");
        }
    }
}
