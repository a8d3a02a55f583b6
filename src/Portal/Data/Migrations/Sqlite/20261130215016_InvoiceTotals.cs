using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InvoiceTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "InvoiceTotals",
                columns: table => new
                {
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    AllCount = table.Column<long>(type: "INTEGER", nullable: false),
                    AllTotal = table.Column<long>(type: "INTEGER", nullable: false),
                    AllOpen = table.Column<long>(type: "INTEGER", nullable: false),
                    OpenCount = table.Column<long>(type: "INTEGER", nullable: false),
                    OpenTotal = table.Column<long>(type: "INTEGER", nullable: false),
                    OpenOpen = table.Column<long>(type: "INTEGER", nullable: false),
                    VoidCount = table.Column<long>(type: "INTEGER", nullable: false),
                    VoidTotal = table.Column<long>(type: "INTEGER", nullable: false),
                    VoidOpen = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InvoiceTotals", x => new { x.AccountId, x.Currency });
                });

            // The triggers that keep the totals, and the backfill from the invoices already there (one GROUP BY pass).
            foreach (var statement in Portal.Features.Invoices.InvoiceTotalsSql.V1(postgres: false))
            {
                migrationBuilder.Sql(statement);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var statement in Portal.Features.Invoices.InvoiceTotalsSql.DropV1(postgres: false))
            {
                migrationBuilder.Sql(statement);
            }

            migrationBuilder.DropTable(
                name: "InvoiceTotals");
        }
    }
}
