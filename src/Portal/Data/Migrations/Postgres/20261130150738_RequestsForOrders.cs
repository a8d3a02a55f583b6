using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RequestsForOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Orders placed in the portal before they joined the requests hub (docs/decisions/0015), read only
            // in the console's inbox: each gets its entry with the status it has (the same SQL reads right on
            // SQLite and PostgreSQL). Open until delivered or cancelled.
            migrationBuilder.Sql("""
                INSERT INTO "CustomerRequests" ("AccountId", "Kind", "Number", "Status", "IsOpen", "Subject", "SubjectId", "OpenedByUserId", "CreatedAt", "LastActivityAt")
                SELECT o."AccountId", 4, o."Number",
                       CASE o."Status" WHEN 0 THEN 'submitted' WHEN 1 THEN 'confirmed' WHEN 2 THEN 'partly_shipped' WHEN 3 THEN 'shipped' WHEN 4 THEN 'delivered' ELSE 'cancelled' END,
                       o."Status" < 4,
                       SUBSTR(
                           CASE WHEN o."PurchaseOrder" IS NULL THEN '' ELSE 'PO ' || o."PurchaseOrder" || ' · ' END
                           || COALESCE((SELECT l."Description" FROM "OrderLines" l WHERE l."OrderId" = o."Id" ORDER BY l."LineNumber" LIMIT 1), o."Number")
                           || CASE WHEN (SELECT COUNT(*) FROM "OrderLines" l WHERE l."OrderId" = o."Id") > 1
                                   THEN ' (+' || CAST((SELECT COUNT(*) FROM "OrderLines" l WHERE l."OrderId" = o."Id") - 1 AS TEXT) || ')' ELSE '' END,
                           1, 200),
                       o."Id", o."PlacedByUserId", o."OrderedAt", o."UpdatedAt"
                FROM "Orders" o
                WHERE o."Source" = 0 AND NOT EXISTS (SELECT 1 FROM "CustomerRequests" r WHERE r."Kind" = 4 AND r."SubjectId" = o."Id");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DELETE FROM \"CustomerRequests\" WHERE \"Kind\" = 4;");
        }
    }
}
