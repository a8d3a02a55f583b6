using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PayInPortal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "AttemptId",
                table: "Payments",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ReservedAmount",
                table: "Invoices",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "PaymentAttempts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConfirmKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Fingerprint = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Origin = table.Column<int>(type: "INTEGER", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false),
                    MethodId = table.Column<long>(type: "INTEGER", nullable: true),
                    MethodToken = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    MethodKind = table.Column<int>(type: "INTEGER", nullable: false),
                    MethodDetail = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Gateway = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    GatewayReference = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    DeclineCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    FailureReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    ActionUrl = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    NeedsReview = table.Column<bool>(type: "INTEGER", nullable: false),
                    NextCheckAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Checks = table.Column<int>(type: "INTEGER", nullable: false),
                    LastCheckError = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SettledAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PaymentAttempts", x => x.Id);
                    table.CheckConstraint("CK_PaymentAttempts_Amount", "\"Amount\" > 0");
                    table.ForeignKey(
                        name: "FK_PaymentAttempts_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SavedPaymentMethods",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    Gateway = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Token = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Brand = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Last4 = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                    ExpiryMonth = table.Column<int>(type: "INTEGER", nullable: true),
                    ExpiryYear = table.Column<int>(type: "INTEGER", nullable: true),
                    Holder = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    IsDefault = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedByUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SavedPaymentMethods", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SavedPaymentMethods_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TestGatewayCharges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Fingerprint = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Completed = table.Column<bool>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DeclineCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    Message = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    MethodToken = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AmountMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    ReturnUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    SettlesAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    SettlesAs = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TestGatewayCharges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TestGatewayMethods",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Token = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SetupReference = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Customer = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Brand = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Last4 = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                    ExpiryMonth = table.Column<int>(type: "INTEGER", nullable: true),
                    ExpiryYear = table.Column<int>(type: "INTEGER", nullable: true),
                    Holder = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Behaviour = table.Column<int>(type: "INTEGER", nullable: false),
                    Deleted = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TestGatewayMethods", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PaymentAttemptParts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AttemptId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    InvoiceId = table.Column<long>(type: "INTEGER", nullable: false),
                    PaymentId = table.Column<long>(type: "INTEGER", nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PaymentAttemptParts", x => x.Id);
                    table.CheckConstraint("CK_PaymentAttemptParts_Amount", "\"Amount\" > 0");
                    table.ForeignKey(
                        name: "FK_PaymentAttemptParts_Invoices_InvoiceId",
                        column: x => x.InvoiceId,
                        principalTable: "Invoices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_PaymentAttemptParts_PaymentAttempts_AttemptId",
                        column: x => x.AttemptId,
                        principalTable: "PaymentAttempts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_PaymentAttemptParts_Payments_PaymentId",
                        column: x => x.PaymentId,
                        principalTable: "Payments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Payments_AttemptId",
                table: "Payments",
                column: "AttemptId",
                filter: "\"AttemptId\" IS NOT NULL");

            migrationBuilder.AddCheckConstraint(
                name: "CK_Invoices_ReservedAmount",
                table: "Invoices",
                sql: "\"ReservedAmount\" >= 0 AND \"ReservedAmount\" <= \"Total\"");

            migrationBuilder.CreateIndex(
                name: "IX_PaymentAttemptParts_AttemptId_InvoiceId",
                table: "PaymentAttemptParts",
                columns: new[] { "AttemptId", "InvoiceId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PaymentAttemptParts_InvoiceId",
                table: "PaymentAttemptParts",
                column: "InvoiceId");

            migrationBuilder.CreateIndex(
                name: "IX_PaymentAttemptParts_PaymentId",
                table: "PaymentAttemptParts",
                column: "PaymentId");

            migrationBuilder.CreateIndex(
                name: "IX_PaymentAttempts_AccountId_CreatedAt",
                table: "PaymentAttempts",
                columns: new[] { "AccountId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_PaymentAttempts_ConfirmKey",
                table: "PaymentAttempts",
                column: "ConfirmKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PaymentAttempts_CreatedAt_Id",
                table: "PaymentAttempts",
                columns: new[] { "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PaymentAttempts_State_NextCheckAt",
                table: "PaymentAttempts",
                columns: new[] { "State", "NextCheckAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SavedPaymentMethods_AccountId_Id",
                table: "SavedPaymentMethods",
                columns: new[] { "AccountId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_SavedPaymentMethods_Default",
                table: "SavedPaymentMethods",
                column: "AccountId",
                unique: true,
                filter: "\"IsDefault\"");

            migrationBuilder.CreateIndex(
                name: "IX_SavedPaymentMethods_Gateway_Token",
                table: "SavedPaymentMethods",
                columns: new[] { "Gateway", "Token" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TestGatewayCharges_IdempotencyKey",
                table: "TestGatewayCharges",
                column: "IdempotencyKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TestGatewayMethods_SetupReference",
                table: "TestGatewayMethods",
                column: "SetupReference",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TestGatewayMethods_Token",
                table: "TestGatewayMethods",
                column: "Token",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PaymentAttemptParts");

            migrationBuilder.DropTable(
                name: "SavedPaymentMethods");

            migrationBuilder.DropTable(
                name: "TestGatewayCharges");

            migrationBuilder.DropTable(
                name: "TestGatewayMethods");

            migrationBuilder.DropTable(
                name: "PaymentAttempts");

            migrationBuilder.DropIndex(
                name: "IX_Payments_AttemptId",
                table: "Payments");

            migrationBuilder.DropCheckConstraint(
                name: "CK_Invoices_ReservedAmount",
                table: "Invoices");

            migrationBuilder.DropColumn(
                name: "AttemptId",
                table: "Payments");

            migrationBuilder.DropColumn(
                name: "ReservedAmount",
                table: "Invoices");
        }
    }
}
