using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Portal.Data;

namespace Portal.Tests.Data.OldMigrations;

/// <summary>
/// Server-side sessions (UserSessions), and on users: notification subscriptions and the last
/// authenticator time step accepted (one-time TOTP codes). Drafted with tools/MigrationDraft.
/// </summary>
[DbContext(typeof(PortalDb))]
[Migration("20261122000500_SessionsAndTwoFactor")]
public sealed class SessionsAndTwoFactor : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "UserSessions",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false, maxLength: 64),
                UserId = table.Column<string>(nullable: false, maxLength: 450),
                Ticket = table.Column<byte[]>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                LastSeenAt = table.Column<DateTime>(nullable: false),
                ExpiresAt = table.Column<DateTime>(nullable: false),
                RevokedAt = table.Column<DateTime?>(nullable: true),
                IpAddress = table.Column<string>(nullable: true, maxLength: 64),
                Device = table.Column<string>(nullable: true, maxLength: 100),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_UserSessions", x => x.Id);
                table.ForeignKey(
                    name: "FK_UserSessions_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "IX_UserSessions_UserId",
            table: "UserSessions",
            column: "UserId");

        // Existing users get the default subscriptions (NotificationKinds.Default: everything but marketing).
        migrationBuilder.AddColumn<int>(
            name: "Notifications",
            table: "AspNetUsers",
            nullable: false,
            defaultValue: 31);

        migrationBuilder.AddColumn<long>(
            name: "LastTotpTimeStep",
            table: "AspNetUsers",
            nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "UserSessions");
        migrationBuilder.DropColumn(name: "Notifications", table: "AspNetUsers");
        migrationBuilder.DropColumn(name: "LastTotpTimeStep", table: "AspNetUsers");
    }
}
