using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class StatementCreditIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_CreditMemos_AccountId_Date_Id",
                table: "CreditMemos");

            migrationBuilder.CreateIndex(
                name: "IX_CreditMemos_AccountId_Date_Id_IsVoid_Amount",
                table: "CreditMemos",
                columns: new[] { "AccountId", "Date", "Id", "IsVoid", "Amount" });

            migrationBuilder.CreateIndex(
                name: "IX_CreditApplications_CreditMemoId_AppliedAt_InvoiceId_Amount",
                table: "CreditApplications",
                columns: new[] { "CreditMemoId", "AppliedAt", "InvoiceId", "Amount" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_CreditMemos_AccountId_Date_Id_IsVoid_Amount",
                table: "CreditMemos");

            migrationBuilder.DropIndex(
                name: "IX_CreditApplications_CreditMemoId_AppliedAt_InvoiceId_Amount",
                table: "CreditApplications");

            migrationBuilder.CreateIndex(
                name: "IX_CreditMemos_AccountId_Date_Id",
                table: "CreditMemos",
                columns: new[] { "AccountId", "Date", "Id" });
        }
    }
}
