using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RentalsCallOffsLicenses : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "AccountId",
                table: "ContractItems",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "QuantityCalledOff",
                table: "ContractItems",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "CallOffs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    PickupDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ContactName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ContactPhone = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Notes = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    RequestedByUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    StatusNote = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallOffs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CallOffs_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CallOffLines",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CallOffId = table.Column<long>(type: "INTEGER", nullable: false),
                    ContractItemId = table.Column<long>(type: "INTEGER", nullable: false),
                    ContractNumber = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    ProductCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    AssetNumber = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Quantity = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallOffLines", x => x.Id);
                    table.CheckConstraint("CK_CallOffLines_Quantity", "\"Quantity\" > 0");
                    table.ForeignKey(
                        name: "FK_CallOffLines_CallOffs_CallOffId",
                        column: x => x.CallOffId,
                        principalTable: "CallOffs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Licenses_AccountId_ExpiresOn_Id",
                table: "Licenses",
                columns: new[] { "AccountId", "ExpiresOn", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Contracts_AccountId_StartDate_Id",
                table: "Contracts",
                columns: new[] { "AccountId", "StartDate", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ContractItems_OnRent",
                table: "ContractItems",
                columns: new[] { "AccountId", "DateOut", "Id" },
                filter: "\"QuantityOut\" > \"QuantityReturned\"");

            migrationBuilder.CreateIndex(
                name: "IX_CallOffLines_CallOffId",
                table: "CallOffLines",
                column: "CallOffId");

            migrationBuilder.CreateIndex(
                name: "IX_CallOffLines_ContractItemId",
                table: "CallOffLines",
                column: "ContractItemId");

            migrationBuilder.CreateIndex(
                name: "IX_CallOffs_AccountId_CreatedAt_Id",
                table: "CallOffs",
                columns: new[] { "AccountId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CallOffs_Number",
                table: "CallOffs",
                column: "Number",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CallOffLines");

            migrationBuilder.DropTable(
                name: "CallOffs");

            migrationBuilder.DropIndex(
                name: "IX_Licenses_AccountId_ExpiresOn_Id",
                table: "Licenses");

            migrationBuilder.DropIndex(
                name: "IX_Contracts_AccountId_StartDate_Id",
                table: "Contracts");

            migrationBuilder.DropIndex(
                name: "IX_ContractItems_OnRent",
                table: "ContractItems");

            migrationBuilder.DropColumn(
                name: "AccountId",
                table: "ContractItems");

            migrationBuilder.DropColumn(
                name: "QuantityCalledOff",
                table: "ContractItems");
        }
    }
}
