using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Portal.Data.Migrations;

/// <summary>
/// Paying in the portal: payment attempts (the claimed confirm key, the state, the reconciler's
/// schedule) and their parts, saved payment methods, the invoices' reserved amount, the payment's
/// attempt, and the embedded test gateway's own state (methods and idempotency keys).
/// </summary>
[DbContext(typeof(PortalDb))]
[Migration("20261130000000_PayInPortal")]
public sealed class PayInPortal : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        // SQLite adds a column with its check in one statement (a table rebuild would copy every invoice).
        if (migrationBuilder.IsNpgsql())
        {
            migrationBuilder.AddColumn<long>(name: "ReservedAmount", table: "Invoices", nullable: false, defaultValue: 0L);
            migrationBuilder.AddCheckConstraint("CK_Invoices_ReservedAmount", "Invoices", "\"ReservedAmount\" >= 0 AND \"ReservedAmount\" <= \"Total\"");
        }
        else
        {
            migrationBuilder.Sql("ALTER TABLE \"Invoices\" ADD COLUMN \"ReservedAmount\" INTEGER NOT NULL DEFAULT 0 CONSTRAINT \"CK_Invoices_ReservedAmount\" CHECK (\"ReservedAmount\" >= 0 AND \"ReservedAmount\" <= \"Total\");");
        }

        migrationBuilder.AddColumn<Guid>(name: "AttemptId", table: "Payments", nullable: true);
        migrationBuilder.CreateIndex(name: "IX_Payments_AttemptId", table: "Payments", column: "AttemptId", filter: "\"AttemptId\" IS NOT NULL");

        migrationBuilder.CreateTable(
            name: "PaymentAttempts",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                ConfirmKey = table.Column<string>(nullable: false, maxLength: 100),
                Fingerprint = table.Column<string>(nullable: false, maxLength: 100),
                Origin = table.Column<int>(nullable: false),
                UserId = table.Column<string>(nullable: true, maxLength: 450),
                AccountId = table.Column<long>(nullable: false),
                Currency = table.Column<string>(nullable: false, maxLength: 3),
                Amount = table.Column<long>(nullable: false),
                MethodId = table.Column<long>(nullable: true),
                MethodToken = table.Column<string>(nullable: false, maxLength: 100),
                MethodKind = table.Column<int>(nullable: false),
                MethodDetail = table.Column<string>(nullable: false, maxLength: 100),
                Gateway = table.Column<string>(nullable: false, maxLength: 20),
                State = table.Column<int>(nullable: false),
                GatewayReference = table.Column<string>(nullable: true, maxLength: 100),
                DeclineCode = table.Column<string>(nullable: true, maxLength: 50),
                FailureReason = table.Column<string>(nullable: true, maxLength: 500),
                ActionUrl = table.Column<string>(nullable: true, maxLength: 1000),
                NeedsReview = table.Column<bool>(nullable: false),
                NextCheckAt = table.Column<DateTime>(nullable: false),
                Checks = table.Column<int>(nullable: false),
                LastCheckError = table.Column<string>(nullable: true, maxLength: 500),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                SettledAt = table.Column<DateTime>(nullable: true),
                Version = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_PaymentAttempts", x => x.Id);
                table.CheckConstraint("CK_PaymentAttempts_Amount", "\"Amount\" > 0");
                table.ForeignKey(name: "FK_PaymentAttempts_Accounts_AccountId", column: x => x.AccountId, principalTable: "Accounts", principalColumn: "Id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex(name: "IX_PaymentAttempts_ConfirmKey", table: "PaymentAttempts", column: "ConfirmKey", unique: true);
        migrationBuilder.CreateIndex(name: "IX_PaymentAttempts_State_NextCheckAt", table: "PaymentAttempts", columns: new[] { "State", "NextCheckAt" });
        migrationBuilder.CreateIndex(name: "IX_PaymentAttempts_CreatedAt_Id", table: "PaymentAttempts", columns: new[] { "CreatedAt", "Id" });
        migrationBuilder.CreateIndex(name: "IX_PaymentAttempts_AccountId_CreatedAt", table: "PaymentAttempts", columns: new[] { "AccountId", "CreatedAt" });

        migrationBuilder.CreateTable(
            name: "PaymentAttemptParts",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                AttemptId = table.Column<Guid>(nullable: false),
                AccountId = table.Column<long>(nullable: false),
                InvoiceId = table.Column<long>(nullable: false),
                PaymentId = table.Column<long>(nullable: false),
                Amount = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_PaymentAttemptParts", x => x.Id);
                table.CheckConstraint("CK_PaymentAttemptParts_Amount", "\"Amount\" > 0");
                table.ForeignKey(name: "FK_PaymentAttemptParts_PaymentAttempts_AttemptId", column: x => x.AttemptId, principalTable: "PaymentAttempts", principalColumn: "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey(name: "FK_PaymentAttemptParts_Invoices_InvoiceId", column: x => x.InvoiceId, principalTable: "Invoices", principalColumn: "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey(name: "FK_PaymentAttemptParts_Payments_PaymentId", column: x => x.PaymentId, principalTable: "Payments", principalColumn: "Id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex(name: "IX_PaymentAttemptParts_AttemptId_InvoiceId", table: "PaymentAttemptParts", columns: new[] { "AttemptId", "InvoiceId" }, unique: true);
        migrationBuilder.CreateIndex(name: "IX_PaymentAttemptParts_InvoiceId", table: "PaymentAttemptParts", column: "InvoiceId");
        migrationBuilder.CreateIndex(name: "IX_PaymentAttemptParts_PaymentId", table: "PaymentAttemptParts", column: "PaymentId");

        migrationBuilder.CreateTable(
            name: "SavedPaymentMethods",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                AccountId = table.Column<long>(nullable: false),
                Gateway = table.Column<string>(nullable: false, maxLength: 20),
                Token = table.Column<string>(nullable: false, maxLength: 100),
                Kind = table.Column<int>(nullable: false),
                Brand = table.Column<string>(nullable: false, maxLength: 30),
                Last4 = table.Column<string>(nullable: false, maxLength: 4),
                ExpiryMonth = table.Column<int>(nullable: true),
                ExpiryYear = table.Column<int>(nullable: true),
                Holder = table.Column<string>(nullable: true, maxLength: 100),
                IsDefault = table.Column<bool>(nullable: false),
                CreatedByUserId = table.Column<string>(nullable: true, maxLength: 450),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_SavedPaymentMethods", x => x.Id);
                table.ForeignKey(name: "FK_SavedPaymentMethods_Accounts_AccountId", column: x => x.AccountId, principalTable: "Accounts", principalColumn: "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_SavedPaymentMethods_Gateway_Token", table: "SavedPaymentMethods", columns: new[] { "Gateway", "Token" }, unique: true);
        migrationBuilder.CreateIndex(name: "IX_SavedPaymentMethods_AccountId_Id", table: "SavedPaymentMethods", columns: new[] { "AccountId", "Id" });
        migrationBuilder.CreateIndex(name: "IX_SavedPaymentMethods_Default", table: "SavedPaymentMethods", column: "AccountId", unique: true, filter: "\"IsDefault\"");

        migrationBuilder.CreateTable(
            name: "TestGatewayMethods",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                Token = table.Column<string>(nullable: false, maxLength: 64),
                SetupReference = table.Column<string>(nullable: false, maxLength: 64),
                Customer = table.Column<string>(nullable: false, maxLength: 100),
                Kind = table.Column<int>(nullable: false),
                Brand = table.Column<string>(nullable: false, maxLength: 30),
                Last4 = table.Column<string>(nullable: false, maxLength: 4),
                ExpiryMonth = table.Column<int>(nullable: true),
                ExpiryYear = table.Column<int>(nullable: true),
                Holder = table.Column<string>(nullable: true, maxLength: 100),
                Behaviour = table.Column<int>(nullable: false),
                Deleted = table.Column<bool>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_TestGatewayMethods", x => x.Id));
        migrationBuilder.CreateIndex(name: "IX_TestGatewayMethods_Token", table: "TestGatewayMethods", column: "Token", unique: true);
        migrationBuilder.CreateIndex(name: "IX_TestGatewayMethods_SetupReference", table: "TestGatewayMethods", column: "SetupReference", unique: true);

        migrationBuilder.CreateTable(
            name: "TestGatewayCharges",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                IdempotencyKey = table.Column<string>(nullable: false, maxLength: 100),
                Fingerprint = table.Column<string>(nullable: false, maxLength: 300),
                Completed = table.Column<bool>(nullable: false),
                Status = table.Column<int>(nullable: false),
                Reference = table.Column<string>(nullable: false, maxLength: 64),
                DeclineCode = table.Column<string>(nullable: true, maxLength: 50),
                Message = table.Column<string>(nullable: true, maxLength: 300),
                MethodToken = table.Column<string>(nullable: false, maxLength: 64),
                AmountMinor = table.Column<long>(nullable: false),
                Currency = table.Column<string>(nullable: false, maxLength: 3),
                ReturnUrl = table.Column<string>(nullable: true, maxLength: 500),
                SettlesAt = table.Column<DateTime>(nullable: true),
                SettlesAs = table.Column<int>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_TestGatewayCharges", x => x.Id));
        migrationBuilder.CreateIndex(name: "IX_TestGatewayCharges_IdempotencyKey", table: "TestGatewayCharges", column: "IdempotencyKey", unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "TestGatewayCharges");
        migrationBuilder.DropTable(name: "TestGatewayMethods");
        migrationBuilder.DropTable(name: "SavedPaymentMethods");
        migrationBuilder.DropTable(name: "PaymentAttemptParts");
        migrationBuilder.DropTable(name: "PaymentAttempts");
        migrationBuilder.DropIndex(name: "IX_Payments_AttemptId", table: "Payments");
        migrationBuilder.DropColumn(name: "AttemptId", table: "Payments");
        migrationBuilder.DropCheckConstraint("CK_Invoices_ReservedAmount", "Invoices");
        migrationBuilder.DropColumn(name: "ReservedAmount", table: "Invoices");
    }
}
