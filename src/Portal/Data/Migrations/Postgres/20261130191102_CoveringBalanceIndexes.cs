using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CoveringBalanceIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Payments_Unapplied",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_Open",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_CreditMemos_Remaining",
                table: "CreditMemos");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_Unapplied",
                table: "Payments",
                columns: new[] { "AccountId", "UnappliedAmount", "Status" },
                filter: "\"UnappliedAmount\" > 0");

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_Open",
                table: "Invoices",
                columns: new[] { "AccountId", "DueDate", "OpenAmount", "IsVoid" },
                filter: "\"OpenAmount\" > 0 AND NOT \"IsVoid\"");

            migrationBuilder.CreateIndex(
                name: "IX_CreditMemos_Remaining",
                table: "CreditMemos",
                columns: new[] { "AccountId", "RemainingAmount", "IsVoid" },
                filter: "\"RemainingAmount\" > 0 AND NOT \"IsVoid\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Payments_Unapplied",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_Open",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_CreditMemos_Remaining",
                table: "CreditMemos");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_Unapplied",
                table: "Payments",
                columns: new[] { "AccountId", "UnappliedAmount" },
                filter: "\"UnappliedAmount\" > 0");

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_Open",
                table: "Invoices",
                columns: new[] { "AccountId", "DueDate", "OpenAmount" },
                filter: "\"OpenAmount\" > 0 AND NOT \"IsVoid\"");

            migrationBuilder.CreateIndex(
                name: "IX_CreditMemos_Remaining",
                table: "CreditMemos",
                columns: new[] { "AccountId", "RemainingAmount" },
                filter: "\"RemainingAmount\" > 0 AND NOT \"IsVoid\"");
        }
    }
}
