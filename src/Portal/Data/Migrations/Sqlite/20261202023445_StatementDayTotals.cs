using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StatementDayTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "StatementDayTotals",
                columns: table => new
                {
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatementDayTotals", x => new { x.AccountId, x.Kind, x.Day });
                });

            migrationBuilder.CreateIndex(
                name: "IX_StatementDayTotals_Covering",
                table: "StatementDayTotals",
                columns: new[] { "AccountId", "Kind", "Day", "Count", "Amount" });

            // The triggers that keep the totals on the invoices, credit memos and payments, and the backfill from
            // the documents already there (one GROUP BY pass per kind).
            foreach (var statement in Portal.Features.Statements.StatementDayTotalsSql.V1(postgres: false))
            {
                migrationBuilder.Sql(statement);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var statement in Portal.Features.Statements.StatementDayTotalsSql.DropV1(postgres: false))
            {
                migrationBuilder.Sql(statement);
            }

            migrationBuilder.DropTable(
                name: "StatementDayTotals");
        }
    }
}
