using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StatementCoveringIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Payments_AccountId_ReceivedAt_Id",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_AccountId_IssueDate_Id",
                table: "Invoices");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_AccountId_ReceivedAt_Id_Status_Amount",
                table: "Payments",
                columns: new[] { "AccountId", "ReceivedAt", "Id", "Status", "Amount" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_AccountId_IssueDate_Id_IsVoid_Total",
                table: "Invoices",
                columns: new[] { "AccountId", "IssueDate", "Id", "IsVoid", "Total" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Payments_AccountId_ReceivedAt_Id_Status_Amount",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_AccountId_IssueDate_Id_IsVoid_Total",
                table: "Invoices");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_AccountId_ReceivedAt_Id",
                table: "Payments",
                columns: new[] { "AccountId", "ReceivedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_AccountId_IssueDate_Id",
                table: "Invoices",
                columns: new[] { "AccountId", "IssueDate", "Id" });
        }
    }
}
