using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DocumentSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SearchDocuments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    DocumentId = table.Column<long>(type: "bigint", nullable: false),
                    AccountId = table.Column<long>(type: "bigint", nullable: false),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    Number = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Reference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    Amount = table.Column<long>(type: "bigint", nullable: true),
                    Body = table.Column<string>(type: "text", nullable: false),
                    Text = table.Column<string>(type: "text", nullable: false),
                    Money = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SearchDocuments", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SearchDocuments_AccountId_Kind_Date_Id",
                table: "SearchDocuments",
                columns: new[] { "AccountId", "Kind", "Date", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_SearchDocuments_Kind_DocumentId",
                table: "SearchDocuments",
                columns: new[] { "Kind", "DocumentId" },
                unique: true);

            // The full-text index, the triggers that keep it current in the writing transaction, and the
            // rows for the documents already there (docs/decisions/0016-document-search.md).
            foreach (var statement in Portal.Features.Search.SearchIndexSql.V1(postgres: true))
            {
                migrationBuilder.Sql(statement);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var statement in Portal.Features.Search.SearchIndexSql.DropV1(postgres: true))
            {
                migrationBuilder.Sql(statement);
            }

            migrationBuilder.DropTable(
                name: "SearchDocuments");
        }
    }
}
