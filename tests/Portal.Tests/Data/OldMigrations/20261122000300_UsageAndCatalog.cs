using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using Portal.Data;

namespace Portal.Tests.Data.OldMigrations;

/// <summary>
/// What later features show and the billing system feeds through the integration API: usage records,
/// products and customer prices, rental contracts and their items, orders, deliveries, quotes,
/// service calls with comments, and licenses.
/// </summary>
[DbContext(typeof(PortalDb))]
[Migration("20261122000300_UsageAndCatalog")]
public sealed class UsageAndCatalog : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Products",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                Code = table.Column<string>(nullable: false, maxLength: 50),
                Name = table.Column<string>(nullable: false, maxLength: 200),
                Description = table.Column<string>(nullable: true, maxLength: 2000),
                Category = table.Column<string>(nullable: true, maxLength: 100),
                Unit = table.Column<string>(nullable: false, maxLength: 20),
                ListPrice = table.Column<long>(nullable: false),
                Currency = table.Column<string>(nullable: false, maxLength: 3),
                Active = table.Column<bool>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Products", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "Contracts",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                AccountId = table.Column<long>(nullable: false),
                ExternalId = table.Column<string>(nullable: false, maxLength: 100),
                Number = table.Column<string>(nullable: false, maxLength: 50),
                Status = table.Column<int>(nullable: false),
                StartDate = table.Column<DateOnly>(nullable: false),
                EndDate = table.Column<DateOnly?>(nullable: true),
                JobSite = table.Column<string>(nullable: true, maxLength: 200),
                PurchaseOrder = table.Column<string>(nullable: true, maxLength: 100),
                Branch = table.Column<string>(nullable: true, maxLength: 50),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Contracts", x => x.Id);
                table.ForeignKey(
                    name: "FK_Contracts_Accounts_AccountId",
                    column: x => x.AccountId,
                    principalTable: "Accounts",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "Licenses",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                AccountId = table.Column<long>(nullable: false),
                ExternalId = table.Column<string>(nullable: false, maxLength: 100),
                ProductCode = table.Column<string>(nullable: false, maxLength: 50),
                ProductName = table.Column<string>(nullable: false, maxLength: 200),
                LicenseCode = table.Column<string>(nullable: false, maxLength: 200),
                Seats = table.Column<int>(nullable: false),
                Version = table.Column<string>(nullable: true, maxLength: 50),
                IssuedOn = table.Column<DateOnly>(nullable: false),
                ExpiresOn = table.Column<DateOnly?>(nullable: true),
                Maintenance = table.Column<int>(nullable: false),
                MaintenanceEndsOn = table.Column<DateOnly?>(nullable: true),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Licenses", x => x.Id);
                table.ForeignKey(
                    name: "FK_Licenses_Accounts_AccountId",
                    column: x => x.AccountId,
                    principalTable: "Accounts",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
                table.CheckConstraint("CK_Licenses_Seats", "\"Seats\" >= 0");
            });

        migrationBuilder.CreateTable(
            name: "Orders",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                AccountId = table.Column<long>(nullable: false),
                ExternalId = table.Column<string>(nullable: true, maxLength: 100),
                Number = table.Column<string>(nullable: false, maxLength: 50),
                OrderedAt = table.Column<DateTime>(nullable: false),
                Status = table.Column<int>(nullable: false),
                Source = table.Column<int>(nullable: false),
                Currency = table.Column<string>(nullable: false, maxLength: 3),
                Total = table.Column<long>(nullable: false),
                PurchaseOrder = table.Column<string>(nullable: true, maxLength: 100),
                Notes = table.Column<string>(nullable: true, maxLength: 2000),
                PlacedByUserId = table.Column<string>(nullable: true, maxLength: 450),
                RequestedDate = table.Column<DateOnly?>(nullable: true),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Orders", x => x.Id);
                table.ForeignKey(
                    name: "FK_Orders_Accounts_AccountId",
                    column: x => x.AccountId,
                    principalTable: "Accounts",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "Quotes",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                AccountId = table.Column<long>(nullable: false),
                ExternalId = table.Column<string>(nullable: true, maxLength: 100),
                Number = table.Column<string>(nullable: false, maxLength: 50),
                Status = table.Column<int>(nullable: false),
                Source = table.Column<int>(nullable: false),
                RequestedAt = table.Column<DateTime>(nullable: false),
                IssuedOn = table.Column<DateOnly?>(nullable: true),
                ValidUntil = table.Column<DateOnly?>(nullable: true),
                Currency = table.Column<string>(nullable: false, maxLength: 3),
                Total = table.Column<long>(nullable: false),
                RequestText = table.Column<string>(nullable: true, maxLength: 4000),
                RequestedByUserId = table.Column<string>(nullable: true, maxLength: 450),
                AcceptedAt = table.Column<DateTime?>(nullable: true),
                AcceptedByUserId = table.Column<string>(nullable: true, maxLength: 450),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Quotes", x => x.Id);
                table.ForeignKey(
                    name: "FK_Quotes_Accounts_AccountId",
                    column: x => x.AccountId,
                    principalTable: "Accounts",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "ServiceCalls",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                AccountId = table.Column<long>(nullable: false),
                ExternalId = table.Column<string>(nullable: true, maxLength: 100),
                Number = table.Column<string>(nullable: false, maxLength: 50),
                Subject = table.Column<string>(nullable: false, maxLength: 200),
                Description = table.Column<string>(nullable: false, maxLength: 4000),
                Equipment = table.Column<string>(nullable: true, maxLength: 200),
                Priority = table.Column<int>(nullable: false),
                PreferredDate = table.Column<DateOnly?>(nullable: true),
                ScheduledFor = table.Column<DateTime?>(nullable: true),
                Status = table.Column<int>(nullable: false),
                OpenedAt = table.Column<DateTime>(nullable: false),
                OpenedByUserId = table.Column<string>(nullable: true, maxLength: 450),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ServiceCalls", x => x.Id);
                table.ForeignKey(
                    name: "FK_ServiceCalls_Accounts_AccountId",
                    column: x => x.AccountId,
                    principalTable: "Accounts",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "CustomerPrices",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                AccountId = table.Column<long>(nullable: false),
                ProductId = table.Column<long>(nullable: false),
                UnitPrice = table.Column<long>(nullable: false),
                Currency = table.Column<string>(nullable: false, maxLength: 3),
                ValidFrom = table.Column<DateOnly?>(nullable: true),
                ValidTo = table.Column<DateOnly?>(nullable: true),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_CustomerPrices", x => x.Id);
                table.ForeignKey(
                    name: "FK_CustomerPrices_Accounts_AccountId",
                    column: x => x.AccountId,
                    principalTable: "Accounts",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "FK_CustomerPrices_Products_ProductId",
                    column: x => x.ProductId,
                    principalTable: "Products",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "ContractItems",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                ContractId = table.Column<long>(nullable: false),
                LineNumber = table.Column<int>(nullable: false),
                ProductCode = table.Column<string>(nullable: false, maxLength: 50),
                Description = table.Column<string>(nullable: false, maxLength: 500),
                AssetNumber = table.Column<string>(nullable: true, maxLength: 100),
                QuantityOut = table.Column<long>(nullable: false),
                QuantityReturned = table.Column<long>(nullable: false),
                DateOut = table.Column<DateOnly>(nullable: false),
                ExpectedReturn = table.Column<DateOnly?>(nullable: true),
                Rate = table.Column<long>(nullable: false),
                RatePeriod = table.Column<string>(nullable: true, maxLength: 20),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ContractItems", x => x.Id);
                table.ForeignKey(
                    name: "FK_ContractItems_Contracts_ContractId",
                    column: x => x.ContractId,
                    principalTable: "Contracts",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.CheckConstraint("CK_ContractItems_Quantities", "\"QuantityReturned\" >= 0 AND \"QuantityReturned\" <= \"QuantityOut\"");
            });

        migrationBuilder.CreateTable(
            name: "UsageRecords",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                AccountId = table.Column<long>(nullable: false),
                ExternalId = table.Column<string>(nullable: false, maxLength: 100),
                ProductCode = table.Column<string>(nullable: false, maxLength: 50),
                Identifier = table.Column<string>(nullable: true, maxLength: 100),
                Description = table.Column<string>(nullable: true, maxLength: 300),
                OccurredAt = table.Column<DateTime>(nullable: false),
                Quantity = table.Column<long>(nullable: false),
                Unit = table.Column<string>(nullable: false, maxLength: 20),
                InvoiceId = table.Column<long?>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_UsageRecords", x => x.Id);
                table.ForeignKey(
                    name: "FK_UsageRecords_Accounts_AccountId",
                    column: x => x.AccountId,
                    principalTable: "Accounts",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
                table.ForeignKey(
                    name: "FK_UsageRecords_Invoices_InvoiceId",
                    column: x => x.InvoiceId,
                    principalTable: "Invoices",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.SetNull);
            });

        migrationBuilder.CreateTable(
            name: "Deliveries",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                AccountId = table.Column<long>(nullable: false),
                ExternalId = table.Column<string>(nullable: false, maxLength: 100),
                Number = table.Column<string>(nullable: false, maxLength: 50),
                OrderId = table.Column<long?>(nullable: true),
                Status = table.Column<string>(nullable: true, maxLength: 50),
                ShippedAt = table.Column<DateTime?>(nullable: true),
                DeliveredAt = table.Column<DateTime?>(nullable: true),
                Carrier = table.Column<string>(nullable: true, maxLength: 100),
                TrackingNumber = table.Column<string>(nullable: true, maxLength: 100),
                DeliveryAddress = table.Column<string>(nullable: true, maxLength: 500),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Deliveries", x => x.Id);
                table.ForeignKey(
                    name: "FK_Deliveries_Accounts_AccountId",
                    column: x => x.AccountId,
                    principalTable: "Accounts",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
                table.ForeignKey(
                    name: "FK_Deliveries_Orders_OrderId",
                    column: x => x.OrderId,
                    principalTable: "Orders",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.SetNull);
            });

        migrationBuilder.CreateTable(
            name: "OrderLines",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                OrderId = table.Column<long>(nullable: false),
                LineNumber = table.Column<int>(nullable: false),
                ProductCode = table.Column<string>(nullable: false, maxLength: 50),
                Description = table.Column<string>(nullable: false, maxLength: 500),
                Quantity = table.Column<long>(nullable: false),
                Unit = table.Column<string>(nullable: true, maxLength: 20),
                UnitPrice = table.Column<long>(nullable: false),
                Amount = table.Column<long>(nullable: false),
                QuantityShipped = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_OrderLines", x => x.Id);
                table.ForeignKey(
                    name: "FK_OrderLines_Orders_OrderId",
                    column: x => x.OrderId,
                    principalTable: "Orders",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "QuoteLines",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                QuoteId = table.Column<long>(nullable: false),
                LineNumber = table.Column<int>(nullable: false),
                ProductCode = table.Column<string>(nullable: true, maxLength: 50),
                Description = table.Column<string>(nullable: false, maxLength: 500),
                Quantity = table.Column<long>(nullable: false),
                Unit = table.Column<string>(nullable: true, maxLength: 20),
                UnitPrice = table.Column<long>(nullable: false),
                Amount = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_QuoteLines", x => x.Id);
                table.ForeignKey(
                    name: "FK_QuoteLines_Quotes_QuoteId",
                    column: x => x.QuoteId,
                    principalTable: "Quotes",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "ServiceCallComments",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                ServiceCallId = table.Column<long>(nullable: false),
                Author = table.Column<string>(nullable: false, maxLength: 200),
                FromCustomer = table.Column<bool>(nullable: false),
                Body = table.Column<string>(nullable: false, maxLength: 4000),
                ExternalId = table.Column<string>(nullable: true, maxLength: 100),
                CreatedAt = table.Column<DateTime>(nullable: false),
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
            name: "IX_ContractItems_ContractId_LineNumber",
            table: "ContractItems",
            columns: new[] { "ContractId", "LineNumber" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Contracts_AccountId_Status_StartDate_Id",
            table: "Contracts",
            columns: new[] { "AccountId", "Status", "StartDate", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_Contracts_ExternalId",
            table: "Contracts",
            column: "ExternalId",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Contracts_Number",
            table: "Contracts",
            column: "Number",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_CustomerPrices_AccountId_ProductId",
            table: "CustomerPrices",
            columns: new[] { "AccountId", "ProductId" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_CustomerPrices_ProductId",
            table: "CustomerPrices",
            column: "ProductId");

        migrationBuilder.CreateIndex(
            name: "IX_Deliveries_AccountId_ShippedAt_Id",
            table: "Deliveries",
            columns: new[] { "AccountId", "ShippedAt", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_Deliveries_ExternalId",
            table: "Deliveries",
            column: "ExternalId",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Deliveries_OrderId",
            table: "Deliveries",
            column: "OrderId");

        migrationBuilder.CreateIndex(
            name: "IX_Licenses_AccountId_ProductName_Id",
            table: "Licenses",
            columns: new[] { "AccountId", "ProductName", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_Licenses_ExternalId",
            table: "Licenses",
            column: "ExternalId",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_OrderLines_OrderId_LineNumber",
            table: "OrderLines",
            columns: new[] { "OrderId", "LineNumber" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Orders_AccountId_OrderedAt_Id",
            table: "Orders",
            columns: new[] { "AccountId", "OrderedAt", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_Orders_ExternalId",
            table: "Orders",
            column: "ExternalId",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Orders_Number",
            table: "Orders",
            column: "Number",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Products_Active_Category_Name",
            table: "Products",
            columns: new[] { "Active", "Category", "Name" });

        migrationBuilder.CreateIndex(
            name: "IX_Products_Code",
            table: "Products",
            column: "Code",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_QuoteLines_QuoteId_LineNumber",
            table: "QuoteLines",
            columns: new[] { "QuoteId", "LineNumber" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Quotes_AccountId_RequestedAt_Id",
            table: "Quotes",
            columns: new[] { "AccountId", "RequestedAt", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_Quotes_ExternalId",
            table: "Quotes",
            column: "ExternalId",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Quotes_Number",
            table: "Quotes",
            column: "Number",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_ServiceCallComments_ExternalId",
            table: "ServiceCallComments",
            column: "ExternalId",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_ServiceCallComments_ServiceCallId_CreatedAt",
            table: "ServiceCallComments",
            columns: new[] { "ServiceCallId", "CreatedAt" });

        migrationBuilder.CreateIndex(
            name: "IX_ServiceCalls_AccountId_OpenedAt_Id",
            table: "ServiceCalls",
            columns: new[] { "AccountId", "OpenedAt", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_ServiceCalls_ExternalId",
            table: "ServiceCalls",
            column: "ExternalId",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_ServiceCalls_Number",
            table: "ServiceCalls",
            column: "Number",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_UsageRecords_AccountId_OccurredAt_Id",
            table: "UsageRecords",
            columns: new[] { "AccountId", "OccurredAt", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_UsageRecords_ExternalId",
            table: "UsageRecords",
            column: "ExternalId",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_UsageRecords_InvoiceId",
            table: "UsageRecords",
            column: "InvoiceId");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "ServiceCallComments");
        migrationBuilder.DropTable(name: "QuoteLines");
        migrationBuilder.DropTable(name: "OrderLines");
        migrationBuilder.DropTable(name: "Deliveries");
        migrationBuilder.DropTable(name: "UsageRecords");
        migrationBuilder.DropTable(name: "ContractItems");
        migrationBuilder.DropTable(name: "CustomerPrices");
        migrationBuilder.DropTable(name: "ServiceCalls");
        migrationBuilder.DropTable(name: "Quotes");
        migrationBuilder.DropTable(name: "Orders");
        migrationBuilder.DropTable(name: "Licenses");
        migrationBuilder.DropTable(name: "Contracts");
        migrationBuilder.DropTable(name: "Products");
    }
}
