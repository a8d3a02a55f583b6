using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    DocumentId = table.Column<long>(type: "INTEGER", nullable: false),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: true),
                    Amount = table.Column<long>(type: "INTEGER", nullable: true),
                    Body = table.Column<string>(type: "TEXT", nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false),
                    Money = table.Column<string>(type: "TEXT", nullable: false)
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
            foreach (var statement in Portal.Features.Search.SearchIndexSql.V1(postgres: false))
            {
                migrationBuilder.Sql(statement);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var statement in Portal.Features.Search.SearchIndexSql.DropV1(postgres: false))
            {
                migrationBuilder.Sql(statement);
            }

            migrationBuilder.DropTable(
                name: "SearchDocuments");
        }
    }
}
