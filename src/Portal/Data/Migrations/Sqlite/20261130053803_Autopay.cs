using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Autopay : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "AutopayReminderDays",
                table: "OperatorSettings",
                type: "INTEGER",
                nullable: false,
                // The existing settings row gets the same defaults as a new one (OperatorSettings).
                defaultValue: 3);

            migrationBuilder.AddColumn<string>(
                name: "AutopayRetryDays",
                table: "OperatorSettings",
                type: "TEXT",
                maxLength: 50,
                nullable: false,
                defaultValue: "1,3,7");

            migrationBuilder.CreateTable(
                name: "AutopayCharges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    InvoiceId = table.Column<long>(type: "INTEGER", nullable: false),
                    Try = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AttemptId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AutopayCharges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AutopayCharges_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AutopayCharges_Invoices_InvoiceId",
                        column: x => x.InvoiceId,
                        principalTable: "Invoices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AutopayEnrollments",
                columns: table => new
                {
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Since = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    PausedReason = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    UpdatedByUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AutopayEnrollments", x => x.AccountId);
                    table.ForeignKey(
                        name: "FK_AutopayEnrollments_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AutopayReminders",
                columns: table => new
                {
                    InvoiceId = table.Column<long>(type: "INTEGER", nullable: false),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    SentAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AutopayReminders", x => x.InvoiceId);
                    table.ForeignKey(
                        name: "FK_AutopayReminders_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AutopayReminders_Invoices_InvoiceId",
                        column: x => x.InvoiceId,
                        principalTable: "Invoices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AutopayCharges_AccountId_Id",
                table: "AutopayCharges",
                columns: new[] { "AccountId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AutopayCharges_InvoiceId_Try",
                table: "AutopayCharges",
                columns: new[] { "InvoiceId", "Try" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AutopayCharges_State_NextAttemptAt",
                table: "AutopayCharges",
                columns: new[] { "State", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AutopayEnrollments_State_AccountId",
                table: "AutopayEnrollments",
                columns: new[] { "State", "AccountId" });

            migrationBuilder.CreateIndex(
                name: "IX_AutopayReminders_AccountId",
                table: "AutopayReminders",
                column: "AccountId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AutopayCharges");

            migrationBuilder.DropTable(
                name: "AutopayEnrollments");

            migrationBuilder.DropTable(
                name: "AutopayReminders");

            migrationBuilder.DropColumn(
                name: "AutopayReminderDays",
                table: "OperatorSettings");

            migrationBuilder.DropColumn(
                name: "AutopayRetryDays",
                table: "OperatorSettings");
        }
    }
}
