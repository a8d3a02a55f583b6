using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CreditApplicationsAppliedAtIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_CreditApplications_AppliedAt_CreditMemoId_InvoiceId_Amount",
                table: "CreditApplications",
                columns: new[] { "AppliedAt", "CreditMemoId", "InvoiceId", "Amount" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_CreditApplications_AppliedAt_CreditMemoId_InvoiceId_Amount",
                table: "CreditApplications");
        }
    }
}
