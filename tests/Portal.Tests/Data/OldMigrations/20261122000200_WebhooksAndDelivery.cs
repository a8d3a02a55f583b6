using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using Portal.Data;

namespace Portal.Tests.Data.OldMigrations;

/// <summary>
/// Events out: webhook subscriptions (with their fan-out cursor) and the delivery log; an index for the
/// console's e-mail outbox filtered by status. Drafted with tools/MigrationDraft.
/// </summary>
[DbContext(typeof(PortalDb))]
[Migration("20261122000200_WebhooksAndDelivery")]
public sealed class WebhooksAndDelivery : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "WebhookSubscriptions",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                Name = table.Column<string>(nullable: false, maxLength: 100),
                Url = table.Column<string>(nullable: false, maxLength: 2000),
                EventTypes = table.Column<string>(nullable: false, maxLength: 2000),
                ProtectedSecret = table.Column<string>(nullable: false, maxLength: 2000),
                Active = table.Column<bool>(nullable: false),
                LastEventId = table.Column<long>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_WebhookSubscriptions", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "WebhookDeliveries",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                SubscriptionId = table.Column<long>(nullable: false),
                IntegrationEventId = table.Column<long>(nullable: false),
                AccountId = table.Column<long?>(nullable: true),
                Status = table.Column<int>(nullable: false),
                Attempts = table.Column<int>(nullable: false),
                NextAttemptAt = table.Column<DateTime>(nullable: false),
                LastStatusCode = table.Column<int?>(nullable: true),
                LastError = table.Column<string>(nullable: true, maxLength: 500),
                CreatedAt = table.Column<DateTime>(nullable: false),
                DeliveredAt = table.Column<DateTime?>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_WebhookDeliveries", x => x.Id);
                table.ForeignKey(
                    name: "FK_WebhookDeliveries_IntegrationEvents_IntegrationEventId",
                    column: x => x.IntegrationEventId,
                    principalTable: "IntegrationEvents",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
                table.ForeignKey(
                    name: "FK_WebhookDeliveries_WebhookSubscriptions_SubscriptionId",
                    column: x => x.SubscriptionId,
                    principalTable: "WebhookSubscriptions",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "IX_WebhookDeliveries_IntegrationEventId",
            table: "WebhookDeliveries",
            column: "IntegrationEventId");

        migrationBuilder.CreateIndex(
            name: "IX_WebhookDeliveries_Status_NextAttemptAt",
            table: "WebhookDeliveries",
            columns: new[] { "Status", "NextAttemptAt" });

        migrationBuilder.CreateIndex(
            name: "IX_WebhookDeliveries_HeadOfLine",
            table: "WebhookDeliveries",
            columns: new[] { "SubscriptionId", "AccountId", "Status", "IntegrationEventId" });

        migrationBuilder.CreateIndex(
            name: "IX_WebhookDeliveries_SubscriptionId_IntegrationEventId",
            table: "WebhookDeliveries",
            columns: new[] { "SubscriptionId", "IntegrationEventId" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_WebhookDeliveries_SubscriptionId_Status_IntegrationEventId",
            table: "WebhookDeliveries",
            columns: new[] { "SubscriptionId", "Status", "IntegrationEventId" });

        migrationBuilder.CreateIndex(
            name: "IX_WebhookSubscriptions_Name",
            table: "WebhookSubscriptions",
            column: "Name",
            unique: true);


        migrationBuilder.CreateIndex(
            name: "IX_EmailMessages_Status_Id",
            table: "EmailMessages",
            columns: new[] { "Status", "Id" });
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(name: "IX_EmailMessages_Status_Id", table: "EmailMessages");
        migrationBuilder.DropTable(name: "WebhookDeliveries");
        migrationBuilder.DropTable(name: "WebhookSubscriptions");
    }
}
