using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RequestsForCallOffsAndQuotes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SystemEvent",
                table: "RequestMessages",
                type: "character varying(30)",
                maxLength: 30,
                nullable: true);

            // Call-offs and quote requests from before they joined the requests hub (docs/decisions/0015):
            // each gets its entry with the status it has (the same SQL reads right on SQLite and PostgreSQL).
            migrationBuilder.Sql("""
                INSERT INTO "CustomerRequests" ("AccountId", "Kind", "Number", "Status", "IsOpen", "Subject", "SubjectId", "OpenedByUserId", "CreatedAt", "LastActivityAt")
                SELECT c."AccountId", 3, c."Number",
                       CASE c."Status" WHEN 0 THEN 'sent' WHEN 1 THEN 'acknowledged' WHEN 2 THEN 'scheduled' WHEN 3 THEN 'picked_up' ELSE 'cancelled' END,
                       c."Status" < 3,
                       SUBSTR(COALESCE((SELECT l."ProductCode" FROM "CallOffLines" l WHERE l."CallOffId" = c."Id" ORDER BY l."Id" LIMIT 1), '') || ' · ' || CAST(c."PickupDate" AS TEXT), 1, 200),
                       c."Id", c."RequestedByUserId", c."CreatedAt", c."UpdatedAt"
                FROM "CallOffs" c
                WHERE NOT EXISTS (SELECT 1 FROM "CustomerRequests" r WHERE r."Kind" = 3 AND r."SubjectId" = c."Id");
                """);
            migrationBuilder.Sql("""
                INSERT INTO "CustomerRequests" ("AccountId", "Kind", "Number", "Status", "IsOpen", "Subject", "SubjectId", "OpenedByUserId", "CreatedAt", "LastActivityAt")
                SELECT q."AccountId", 2, q."Number",
                       CASE q."Status" WHEN 0 THEN 'requested' WHEN 1 THEN 'sent' WHEN 2 THEN 'accepted' WHEN 3 THEN 'declined' ELSE 'expired' END,
                       q."Status" IN (0, 1),
                       SUBSTR(COALESCE(q."RequestText", (SELECT l."Description" FROM "QuoteLines" l WHERE l."QuoteId" = q."Id" ORDER BY l."LineNumber" LIMIT 1), q."Number"), 1, 200),
                       q."Id", q."RequestedByUserId", q."RequestedAt", q."UpdatedAt"
                FROM "Quotes" q
                WHERE q."Source" = 0 AND NOT EXISTS (SELECT 1 FROM "CustomerRequests" r WHERE r."Kind" = 2 AND r."SubjectId" = q."Id");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SystemEvent",
                table: "RequestMessages");
        }
    }
}
