using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Portal.Data.Migrations;

/// <summary>
/// The usage page's remembered column choice per user, and usage exports with their files stored in pieces (ADR 0010).
/// </summary>
[DbContext(typeof(PortalDb))]
[Migration("20261130020000_UsagePageAndExports")]
public sealed class UsagePageAndExports : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "UsageColumnChoices",
            columns: table => new
            {
                UserId = table.Column<string>(nullable: false, maxLength: 450),
                Columns = table.Column<string>(nullable: false, maxLength: 200),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_UsageColumnChoices", x => x.UserId);
                table.ForeignKey(
                    name: "FK_UsageColumnChoices_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "UsageExports",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                PublicId = table.Column<string>(nullable: false, maxLength: 32),
                UserId = table.Column<string>(nullable: false, maxLength: 450),
                AccountId = table.Column<long>(nullable: false),
                Format = table.Column<int>(nullable: false),
                Filter = table.Column<string>(nullable: false, maxLength: 1000),
                MaxRows = table.Column<int>(nullable: false),
                LinkBase = table.Column<string>(nullable: false, maxLength: 300),
                Culture = table.Column<string>(nullable: false, maxLength: 10),
                Status = table.Column<int>(nullable: false),
                Attempts = table.Column<int>(nullable: false),
                NextAttemptAt = table.Column<DateTime>(nullable: false),
                RowCount = table.Column<int?>(nullable: true),
                SizeBytes = table.Column<long?>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                CompletedAt = table.Column<DateTime?>(nullable: true),
                ExpiresAt = table.Column<DateTime>(nullable: false),
                Error = table.Column<string>(nullable: true, maxLength: 1000),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_UsageExports", x => x.Id);
                table.ForeignKey(
                    name: "FK_UsageExports_Accounts_AccountId",
                    column: x => x.AccountId,
                    principalTable: "Accounts",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "FK_UsageExports_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "UsageExportChunks",
            columns: table => new
            {
                ExportId = table.Column<long>(nullable: false),
                Sequence = table.Column<int>(nullable: false),
                Data = table.Column<byte[]>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_UsageExportChunks", x => new { x.ExportId, x.Sequence });
                table.ForeignKey(
                    name: "FK_UsageExportChunks_UsageExports_ExportId",
                    column: x => x.ExportId,
                    principalTable: "UsageExports",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "IX_UsageExports_AccountId",
            table: "UsageExports",
            column: "AccountId");

        migrationBuilder.CreateIndex(
            name: "IX_UsageExports_ExpiresAt",
            table: "UsageExports",
            column: "ExpiresAt");

        migrationBuilder.CreateIndex(
            name: "IX_UsageExports_PublicId",
            table: "UsageExports",
            column: "PublicId",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_UsageExports_Status_NextAttemptAt",
            table: "UsageExports",
            columns: new[] { "Status", "NextAttemptAt" });

        migrationBuilder.CreateIndex(
            name: "IX_UsageExports_UserId_AccountId_Id",
            table: "UsageExports",
            columns: new[] { "UserId", "AccountId", "Id" });
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "UsageExportChunks");
        migrationBuilder.DropTable(name: "UsageExports");
        migrationBuilder.DropTable(name: "UsageColumnChoices");
    }
}
