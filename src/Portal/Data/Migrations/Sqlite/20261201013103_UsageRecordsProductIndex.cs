using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UsageRecordsProductIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_UsageRecords_Month_AccountId_ProductCode_OccurredAt_Id",
                table: "UsageRecords",
                columns: new[] { "Month", "AccountId", "ProductCode", "OccurredAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_UsageRecords_Month_AccountId_ProductCode_OccurredAt_Id",
                table: "UsageRecords");
        }
    }
}
