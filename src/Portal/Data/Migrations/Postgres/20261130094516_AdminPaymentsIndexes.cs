using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AdminPaymentsIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Payments_ReceivedAt_Id",
                table: "Payments",
                columns: new[] { "ReceivedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Payments_Status_ReceivedAt_Id",
                table: "Payments",
                columns: new[] { "Status", "ReceivedAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Payments_ReceivedAt_Id",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Payments_Status_ReceivedAt_Id",
                table: "Payments");
        }
    }
}
