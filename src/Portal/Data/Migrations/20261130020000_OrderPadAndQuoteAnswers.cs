using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Portal.Data.Migrations;

/// <summary>
/// The order pad (a cart per user and account, kept server-side), the idempotency key and delivery address of portal orders, a quote's decline, and the indexes the order history and an order's invoices read.
/// </summary>
[DbContext(typeof(PortalDb))]
[Migration("20261130020000_OrderPadAndQuoteAnswers")]
public sealed class OrderPadAndQuoteAnswers : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "OrderPads",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                UserId = table.Column<string>(nullable: false, maxLength: 450),
                AccountId = table.Column<long>(nullable: false),
                Key = table.Column<Guid>(nullable: false),
                PurchaseOrder = table.Column<string>(nullable: true, maxLength: 100),
                RequestedDate = table.Column<DateOnly?>(nullable: true),
                Notes = table.Column<string>(nullable: true, maxLength: 2000),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
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
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                OrderPadId = table.Column<long>(nullable: false),
                ProductId = table.Column<long>(nullable: false),
                Quantity = table.Column<long>(nullable: false),
                AddedAt = table.Column<DateTime>(nullable: false),
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

        migrationBuilder.AddColumn<string>(name: "DeliveryAddress", table: "Orders", nullable: true, maxLength: 500);
        migrationBuilder.AddColumn<Guid>(name: "SubmissionKey", table: "Orders", nullable: true);
        migrationBuilder.CreateIndex(name: "IX_Orders_SubmissionKey", table: "Orders", column: "SubmissionKey", unique: true);
        migrationBuilder.CreateIndex(name: "IX_Orders_AccountId_Status_OrderedAt_Id", table: "Orders", columns: new[] { "AccountId", "Status", "OrderedAt", "Id" });
        migrationBuilder.AddColumn<DateTime>(name: "DeclinedAt", table: "Quotes", nullable: true);
        migrationBuilder.AddColumn<string>(name: "DeclinedByUserId", table: "Quotes", nullable: true, maxLength: 450);
        migrationBuilder.AddColumn<string>(name: "DeclineReason", table: "Quotes", nullable: true, maxLength: 1000);
        migrationBuilder.CreateIndex(name: "IX_Invoices_AccountId_PurchaseOrder", table: "Invoices", columns: new[] { "AccountId", "PurchaseOrder" });
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "OrderPadLines");
        migrationBuilder.DropTable(name: "OrderPads");
        migrationBuilder.DropIndex(name: "IX_Invoices_AccountId_PurchaseOrder", table: "Invoices");
        migrationBuilder.DropIndex(name: "IX_Orders_AccountId_Status_OrderedAt_Id", table: "Orders");
        migrationBuilder.DropIndex(name: "IX_Orders_SubmissionKey", table: "Orders");
        migrationBuilder.DropColumn(name: "SubmissionKey", table: "Orders");
        migrationBuilder.DropColumn(name: "DeliveryAddress", table: "Orders");
        migrationBuilder.DropColumn(name: "DeclinedAt", table: "Quotes");
        migrationBuilder.DropColumn(name: "DeclinedByUserId", table: "Quotes");
        migrationBuilder.DropColumn(name: "DeclineReason", table: "Quotes");
    }
}
