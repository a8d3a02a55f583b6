using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RequestsHubAndDisputes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DisputeReasons",
                table: "OperatorSettings",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "DisputesEnabled",
                table: "OperatorSettings",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "PaidInvoicesDisputable",
                table: "OperatorSettings",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "CustomerRequests",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AccountId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Number = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Status = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    IsOpen = table.Column<bool>(type: "boolean", nullable: false),
                    Subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    SubjectId = table.Column<long>(type: "bigint", nullable: false),
                    OpenedByUserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    AssignedStaffUserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastActivityAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CustomerRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CustomerRequests_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "InvoiceDisputes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AccountId = table.Column<long>(type: "bigint", nullable: false),
                    InvoiceId = table.Column<long>(type: "bigint", nullable: false),
                    Number = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Details = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    LineNumbers = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    Resolution = table.Column<int>(type: "integer", nullable: false),
                    ResolutionNote = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    OpenedByUserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    OpenedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ResolvedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InvoiceDisputes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InvoiceDisputes_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_InvoiceDisputes_Invoices_InvoiceId",
                        column: x => x.InvoiceId,
                        principalTable: "Invoices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "RequestAttachments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RequestId = table.Column<long>(type: "bigint", nullable: false),
                    FileName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ContentType = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Length = table.Column<long>(type: "bigint", nullable: false),
                    UploadedByUserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RequestAttachments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RequestAttachments_CustomerRequests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "CustomerRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RequestMessages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RequestId = table.Column<long>(type: "bigint", nullable: false),
                    Side = table.Column<int>(type: "integer", nullable: false),
                    AuthorUserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    AuthorName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Body = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    ExternalId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RequestMessages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RequestMessages_CustomerRequests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "CustomerRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RequestAttachmentContent",
                columns: table => new
                {
                    AttachmentId = table.Column<long>(type: "bigint", nullable: false),
                    Bytes = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RequestAttachmentContent", x => x.AttachmentId);
                    table.ForeignKey(
                        name: "FK_RequestAttachmentContent_RequestAttachments_AttachmentId",
                        column: x => x.AttachmentId,
                        principalTable: "RequestAttachments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ServiceCalls_AccountId_Status_OpenedAt_Id",
                table: "ServiceCalls",
                columns: new[] { "AccountId", "Status", "OpenedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CustomerRequests_AccountId_CreatedAt_Id",
                table: "CustomerRequests",
                columns: new[] { "AccountId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CustomerRequests_AccountId_Kind_CreatedAt_Id",
                table: "CustomerRequests",
                columns: new[] { "AccountId", "Kind", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CustomerRequests_AssignedStaffUserId_CreatedAt_Id",
                table: "CustomerRequests",
                columns: new[] { "AssignedStaffUserId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CustomerRequests_CreatedAt_Id",
                table: "CustomerRequests",
                columns: new[] { "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CustomerRequests_IsOpen_CreatedAt_Id",
                table: "CustomerRequests",
                columns: new[] { "IsOpen", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CustomerRequests_Kind_Number",
                table: "CustomerRequests",
                columns: new[] { "Kind", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CustomerRequests_Kind_Status_CreatedAt_Id",
                table: "CustomerRequests",
                columns: new[] { "Kind", "Status", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CustomerRequests_Kind_SubjectId",
                table: "CustomerRequests",
                columns: new[] { "Kind", "SubjectId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CustomerRequests_Status_CreatedAt_Id",
                table: "CustomerRequests",
                columns: new[] { "Status", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_InvoiceDisputes_AccountId_OpenedAt_Id",
                table: "InvoiceDisputes",
                columns: new[] { "AccountId", "OpenedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_InvoiceDisputes_InvoiceId_Open",
                table: "InvoiceDisputes",
                column: "InvoiceId",
                unique: true,
                filter: "\"Status\" = 0");

            migrationBuilder.CreateIndex(
                name: "IX_InvoiceDisputes_InvoiceId_OpenedAt",
                table: "InvoiceDisputes",
                columns: new[] { "InvoiceId", "OpenedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_InvoiceDisputes_Number",
                table: "InvoiceDisputes",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RequestAttachments_RequestId",
                table: "RequestAttachments",
                column: "RequestId");

            migrationBuilder.CreateIndex(
                name: "IX_RequestMessages_ExternalId",
                table: "RequestMessages",
                column: "ExternalId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RequestMessages_RequestId_CreatedAt_Id",
                table: "RequestMessages",
                columns: new[] { "RequestId", "CreatedAt", "Id" });
            // Service calls and their comments from before the hub: each call gets its hub entry and its
            // comments become the entry's thread (the same SQL reads right on SQLite and PostgreSQL).
            migrationBuilder.Sql("""
                INSERT INTO "CustomerRequests" ("AccountId", "Kind", "Number", "Status", "IsOpen", "Subject", "SubjectId", "OpenedByUserId", "CreatedAt", "LastActivityAt")
                SELECT "AccountId", 0, "Number",
                       CASE "Status" WHEN 0 THEN 'open' WHEN 1 THEN 'scheduled' WHEN 2 THEN 'in_progress' WHEN 3 THEN 'waiting_on_customer' WHEN 4 THEN 'resolved' WHEN 5 THEN 'closed' ELSE 'cancelled' END,
                       "Status" NOT IN (4, 5, 6), "Subject", "Id", "OpenedByUserId", "OpenedAt", "UpdatedAt"
                FROM "ServiceCalls";
                """);
            migrationBuilder.Sql("""
                INSERT INTO "RequestMessages" ("RequestId", "Side", "AuthorUserId", "AuthorName", "Body", "ExternalId", "CreatedAt")
                SELECT r."Id", CASE WHEN c."FromCustomer" THEN 0 ELSE 2 END, NULL, c."Author", c."Body", c."ExternalId", c."CreatedAt"
                FROM "ServiceCallComments" c JOIN "CustomerRequests" r ON r."Kind" = 0 AND r."SubjectId" = c."ServiceCallId";
                """);

            migrationBuilder.DropTable(
                name: "ServiceCallComments");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InvoiceDisputes");

            migrationBuilder.DropTable(
                name: "RequestAttachmentContent");

            migrationBuilder.DropTable(
                name: "RequestMessages");

            migrationBuilder.DropTable(
                name: "RequestAttachments");

            migrationBuilder.DropTable(
                name: "CustomerRequests");

            migrationBuilder.DropIndex(
                name: "IX_ServiceCalls_AccountId_Status_OpenedAt_Id",
                table: "ServiceCalls");

            migrationBuilder.DropColumn(
                name: "DisputeReasons",
                table: "OperatorSettings");

            migrationBuilder.DropColumn(
                name: "DisputesEnabled",
                table: "OperatorSettings");

            migrationBuilder.DropColumn(
                name: "PaidInvoicesDisputable",
                table: "OperatorSettings");

            migrationBuilder.CreateTable(
                name: "ServiceCallComments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Author = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Body = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ExternalId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    FromCustomer = table.Column<bool>(type: "boolean", nullable: false),
                    ServiceCallId = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServiceCallComments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ServiceCallComments_ServiceCalls_ServiceCallId",
                        column: x => x.ServiceCallId,
                        principalTable: "ServiceCalls",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ServiceCallComments_ExternalId",
                table: "ServiceCallComments",
                column: "ExternalId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ServiceCallComments_ServiceCallId_CreatedAt",
                table: "ServiceCallComments",
                columns: new[] { "ServiceCallId", "CreatedAt" });
        }
    }
}
