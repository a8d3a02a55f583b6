using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using Portal.Data;

namespace Portal.Tests.Data.OldMigrations;

/// <summary>
/// Invitations to accounts (only the hash of each link's token is stored), and an index for reading the
/// whole activity trail newest first in the console. Drafted with tools/MigrationDraft.
/// </summary>
[DbContext(typeof(PortalDb))]
[Migration("20261122000400_Invitations")]
public sealed class Invitations : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Invitations",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                AccountId = table.Column<long>(nullable: false),
                Email = table.Column<string>(nullable: false, maxLength: 256),
                Permissions = table.Column<int>(nullable: false),
                TokenHash = table.Column<byte[]>(nullable: false, maxLength: 32),
                InvitedByUserId = table.Column<string>(nullable: true, maxLength: 450),
                CreatedAt = table.Column<DateTime>(nullable: false),
                ExpiresAt = table.Column<DateTime>(nullable: false),
                SentAt = table.Column<DateTime>(nullable: false),
                AcceptedAt = table.Column<DateTime?>(nullable: true),
                AcceptedByUserId = table.Column<string>(nullable: true, maxLength: 450),
                RevokedAt = table.Column<DateTime?>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Invitations", x => x.Id);
                table.ForeignKey(
                    name: "FK_Invitations_Accounts_AccountId",
                    column: x => x.AccountId,
                    principalTable: "Accounts",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "IX_Invitations_AccountId_Id",
            table: "Invitations",
            columns: new[] { "AccountId", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_Invitations_Email",
            table: "Invitations",
            column: "Email");

        migrationBuilder.CreateIndex(
            name: "IX_Invitations_TokenHash",
            table: "Invitations",
            column: "TokenHash",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_ActivityEntries_OccurredAt_Id",
            table: "ActivityEntries",
            columns: new[] { "OccurredAt", "Id" });
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(name: "IX_ActivityEntries_OccurredAt_Id", table: "ActivityEntries");
        migrationBuilder.DropTable(name: "Invitations");
    }
}
