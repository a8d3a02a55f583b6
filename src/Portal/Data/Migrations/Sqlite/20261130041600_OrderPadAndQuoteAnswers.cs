using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OrderPadAndQuoteAnswers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DeclineReason",
                table: "Quotes",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DeclinedAt",
                table: "Quotes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeclinedByUserId",
                table: "Quotes",
                type: "TEXT",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryAddress",
                table: "Orders",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SubmissionKey",
                table: "Orders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "OrderPads",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    Key = table.Column<Guid>(type: "TEXT", nullable: false),
                    PurchaseOrder = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    RequestedDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Notes = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OrderPads", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OrderPads_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OrderPadLines",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrderPadId = table.Column<long>(type: "INTEGER", nullable: false),
                    ProductId = table.Column<long>(type: "INTEGER", nullable: false),
                    Quantity = table.Column<long>(type: "INTEGER", nullable: false),
                    AddedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OrderPadLines", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OrderPadLines_OrderPads_OrderPadId",
                        column: x => x.OrderPadId,
                        principalTable: "OrderPads",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_OrderPadLines_Products_ProductId",
                        column: x => x.ProductId,
                        principalTable: "Products",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Orders_AccountId_Status_OrderedAt_Id",
                table: "Orders",
                columns: new[] { "AccountId", "Status", "OrderedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Orders_SubmissionKey",
                table: "Orders",
                column: "SubmissionKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_AccountId_PurchaseOrder",
                table: "Invoices",
                columns: new[] { "AccountId", "PurchaseOrder" });

            migrationBuilder.CreateIndex(
                name: "IX_OrderPadLines_OrderPadId_ProductId",
                table: "OrderPadLines",
                columns: new[] { "OrderPadId", "ProductId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OrderPadLines_ProductId",
                table: "OrderPadLines",
                column: "ProductId");

            migrationBuilder.CreateIndex(
                name: "IX_OrderPads_AccountId",
                table: "OrderPads",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_OrderPads_UserId_AccountId",
                table: "OrderPads",
                columns: new[] { "UserId", "AccountId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OrderPadLines");

            migrationBuilder.DropTable(
                name: "OrderPads");

            migrationBuilder.DropIndex(
                name: "IX_Orders_AccountId_Status_OrderedAt_Id",
                table: "Orders");

            migrationBuilder.DropIndex(
                name: "IX_Orders_SubmissionKey",
                table: "Orders");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_AccountId_PurchaseOrder",
                table: "Invoices");

            migrationBuilder.DropColumn(
                name: "DeclineReason",
                table: "Quotes");

            migrationBuilder.DropColumn(
                name: "DeclinedAt",
                table: "Quotes");

            migrationBuilder.DropColumn(
                name: "DeclinedByUserId",
                table: "Quotes");

            migrationBuilder.DropColumn(
                name: "DeliveryAddress",
                table: "Orders");

            migrationBuilder.DropColumn(
                name: "SubmissionKey",
                table: "Orders");
        }
    }
}
