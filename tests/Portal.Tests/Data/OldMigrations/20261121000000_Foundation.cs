using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using Portal.Data;

namespace Portal.Tests.Data.OldMigrations;

/// <summary>
/// The foundation schema: operator settings, accounts and contacts, users and memberships, invoices,
/// credits, payments, API keys, the e-mail and integration-event outboxes, the activity trail and the
/// data-protection key ring. Drafted with tools/MigrationDraft, then read and kept as code. Column
/// types are left to the provider so that one migration serves SQLite and PostgreSQL; money columns
/// are 64-bit integers (docs/decisions/0003).
/// </summary>
[DbContext(typeof(PortalDb))]
[Migration("20261121000000_Foundation")]
public sealed class Foundation : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Accounts",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                ExternalId = table.Column<string>(nullable: false, maxLength: 100),
                Number = table.Column<string>(nullable: false, maxLength: 50),
                Name = table.Column<string>(nullable: false, maxLength: 200),
                Email = table.Column<string>(nullable: true, maxLength: 256),
                Phone = table.Column<string>(nullable: true, maxLength: 20),
                PostalCode = table.Column<string>(nullable: true, maxLength: 20),
                AddressLine1 = table.Column<string>(nullable: true, maxLength: 200),
                AddressLine2 = table.Column<string>(nullable: true, maxLength: 200),
                City = table.Column<string>(nullable: true, maxLength: 100),
                Region = table.Column<string>(nullable: true, maxLength: 100),
                Country = table.Column<string>(nullable: true, maxLength: 2),
                Currency = table.Column<string>(nullable: false, maxLength: 3),
                BillDay = table.Column<int>(nullable: false),
                Type = table.Column<int>(nullable: false),
                Branch = table.Column<string>(nullable: true, maxLength: 50),
                ParentAccountId = table.Column<long?>(nullable: true),
                BilledToParent = table.Column<bool>(nullable: false),
                PortalEnabled = table.Column<bool>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Accounts", x => x.Id);
                table.ForeignKey(
                    name: "FK_Accounts_Accounts_ParentAccountId",
                    column: x => x.ParentAccountId,
                    principalTable: "Accounts",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "ActivityEntries",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                AccountId = table.Column<long?>(nullable: true),
                UserId = table.Column<string>(nullable: true, maxLength: 450),
                Subject = table.Column<string>(nullable: true, maxLength: 256),
                Action = table.Column<string>(nullable: false, maxLength: 100),
                Detail = table.Column<string>(nullable: true, maxLength: 500),
                IpAddress = table.Column<string>(nullable: true, maxLength: 64),
                UserAgent = table.Column<string>(nullable: true, maxLength: 300),
                OccurredAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ActivityEntries", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "ApiKeys",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                Name = table.Column<string>(nullable: false, maxLength: 100),
                Prefix = table.Column<string>(nullable: false, maxLength: 20),
                SecretHash = table.Column<byte[]>(nullable: false, maxLength: 32),
                CreatedAt = table.Column<DateTime>(nullable: false),
                CreatedBy = table.Column<string>(nullable: true, maxLength: 256),
                LastUsedAt = table.Column<DateTime?>(nullable: true),
                RevokedAt = table.Column<DateTime?>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ApiKeys", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "AspNetRoles",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                Name = table.Column<string>(nullable: true, maxLength: 256),
                NormalizedName = table.Column<string>(nullable: true, maxLength: 256),
                ConcurrencyStamp = table.Column<string>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetRoles", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUsers",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                DisplayName = table.Column<string>(nullable: true, maxLength: 200),
                IsStaff = table.Column<bool>(nullable: false),
                PreferredCulture = table.Column<string>(nullable: true, maxLength: 10),
                CreatedAt = table.Column<DateTime>(nullable: false),
                LastLoginAt = table.Column<DateTime?>(nullable: true),
                UserName = table.Column<string>(nullable: true, maxLength: 256),
                NormalizedUserName = table.Column<string>(nullable: true, maxLength: 256),
                Email = table.Column<string>(nullable: true, maxLength: 256),
                NormalizedEmail = table.Column<string>(nullable: true, maxLength: 256),
                EmailConfirmed = table.Column<bool>(nullable: false),
                PasswordHash = table.Column<string>(nullable: true),
                SecurityStamp = table.Column<string>(nullable: true),
                ConcurrencyStamp = table.Column<string>(nullable: true),
                PhoneNumber = table.Column<string>(nullable: true, maxLength: 256),
                PhoneNumberConfirmed = table.Column<bool>(nullable: false),
                TwoFactorEnabled = table.Column<bool>(nullable: false),
                LockoutEnd = table.Column<DateTimeOffset?>(nullable: true),
                LockoutEnabled = table.Column<bool>(nullable: false),
                AccessFailedCount = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUsers", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "DataProtectionKeys",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                FriendlyName = table.Column<string>(nullable: true, maxLength: 200),
                Xml = table.Column<string>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "EmailMessages",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                To = table.Column<string>(nullable: false, maxLength: 256),
                Subject = table.Column<string>(nullable: false, maxLength: 300),
                TextBody = table.Column<string>(nullable: false),
                HtmlBody = table.Column<string>(nullable: true),
                Kind = table.Column<string>(nullable: false, maxLength: 50),
                AccountId = table.Column<long?>(nullable: true),
                Status = table.Column<int>(nullable: false),
                Attempts = table.Column<int>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                NextAttemptAt = table.Column<DateTime>(nullable: false),
                SentAt = table.Column<DateTime?>(nullable: true),
                LastError = table.Column<string>(nullable: true, maxLength: 1000),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_EmailMessages", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "IntegrationEvents",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                EventId = table.Column<Guid>(nullable: false),
                Type = table.Column<string>(nullable: false, maxLength: 100),
                AccountId = table.Column<long?>(nullable: true),
                AccountExternalId = table.Column<string>(nullable: true, maxLength: 100),
                Payload = table.Column<string>(nullable: false),
                OccurredAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_IntegrationEvents", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "OperatorSettings",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false),
                Name = table.Column<string>(nullable: false, maxLength: 200),
                LegalName = table.Column<string>(nullable: true, maxLength: 200),
                WelcomeMessage = table.Column<string>(nullable: true, maxLength: 2000),
                Logo = table.Column<byte[]>(nullable: true),
                LogoContentType = table.Column<string>(nullable: true, maxLength: 50),
                PrimaryColor = table.Column<string>(nullable: false, maxLength: 7),
                AccentColor = table.Column<string>(nullable: false, maxLength: 7),
                TimeZoneId = table.Column<string>(nullable: false, maxLength: 64),
                Currency = table.Column<string>(nullable: false, maxLength: 3),
                Languages = table.Column<string>(nullable: false, maxLength: 100),
                SupportEmail = table.Column<string>(nullable: true, maxLength: 256),
                SupportPhone = table.Column<string>(nullable: true, maxLength: 30),
                Address = table.Column<string>(nullable: true, maxLength: 500),
                PaymentsEnabled = table.Column<bool>(nullable: false),
                AutopayEnabled = table.Column<bool>(nullable: false),
                UsageEnabled = table.Column<bool>(nullable: false),
                UsageExportEnabled = table.Column<bool>(nullable: false),
                StatementsEnabled = table.Column<bool>(nullable: false),
                ContractsEnabled = table.Column<bool>(nullable: false),
                OrdersEnabled = table.Column<bool>(nullable: false),
                QuotesEnabled = table.Column<bool>(nullable: false),
                ServiceCallsEnabled = table.Column<bool>(nullable: false),
                LicensesEnabled = table.Column<bool>(nullable: false),
                RegistrationByPhoneEnabled = table.Column<bool>(nullable: false),
                ForgotPasswordEnabled = table.Column<bool>(nullable: false),
                BranchesEnabled = table.Column<bool>(nullable: false),
                RequireTwoFactorForPayers = table.Column<bool>(nullable: false),
                CardPaymentsEnabled = table.Column<bool>(nullable: false),
                BankPaymentsEnabled = table.Column<bool>(nullable: false),
                InvitationLifetimeHours = table.Column<int>(nullable: false),
                UsageExportLimit = table.Column<int>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_OperatorSettings", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "Contacts",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                AccountId = table.Column<long>(nullable: false),
                ExternalId = table.Column<string>(nullable: false, maxLength: 100),
                Name = table.Column<string>(nullable: false, maxLength: 200),
                Title = table.Column<string>(nullable: true, maxLength: 100),
                Email = table.Column<string>(nullable: true, maxLength: 256),
                Phone = table.Column<string>(nullable: true, maxLength: 30),
                Role = table.Column<string>(nullable: true, maxLength: 50),
                IsPrimary = table.Column<bool>(nullable: false),
                IsActive = table.Column<bool>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Contacts", x => x.Id);
                table.ForeignKey(
                    name: "FK_Contacts_Accounts_AccountId",
                    column: x => x.AccountId,
                    principalTable: "Accounts",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "CreditMemos",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                AccountId = table.Column<long>(nullable: false),
                ExternalId = table.Column<string>(nullable: false, maxLength: 100),
                Number = table.Column<string>(nullable: false, maxLength: 50),
                Date = table.Column<DateOnly>(nullable: false),
                Currency = table.Column<string>(nullable: false, maxLength: 3),
                Amount = table.Column<long>(nullable: false),
                RemainingAmount = table.Column<long>(nullable: false),
                Reference = table.Column<string>(nullable: true, maxLength: 200),
                Reason = table.Column<string>(nullable: true, maxLength: 500),
                Branch = table.Column<string>(nullable: true, maxLength: 50),
                IsVoid = table.Column<bool>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                Version = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_CreditMemos", x => x.Id);
                table.ForeignKey(
                    name: "FK_CreditMemos_Accounts_AccountId",
                    column: x => x.AccountId,
                    principalTable: "Accounts",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
                table.CheckConstraint("CK_CreditMemos_Remaining", "\"RemainingAmount\" >= 0 AND \"RemainingAmount\" <= \"Amount\"");
            });

        migrationBuilder.CreateTable(
            name: "Invoices",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                AccountId = table.Column<long>(nullable: false),
                ExternalId = table.Column<string>(nullable: false, maxLength: 100),
                Number = table.Column<string>(nullable: false, maxLength: 50),
                IssueDate = table.Column<DateOnly>(nullable: false),
                DueDate = table.Column<DateOnly>(nullable: false),
                Currency = table.Column<string>(nullable: false, maxLength: 3),
                Subtotal = table.Column<long>(nullable: false),
                TaxTotal = table.Column<long>(nullable: false),
                Total = table.Column<long>(nullable: false),
                OpenAmount = table.Column<long>(nullable: false),
                IsVoid = table.Column<bool>(nullable: false),
                Branch = table.Column<string>(nullable: true, maxLength: 50),
                PurchaseOrder = table.Column<string>(nullable: true, maxLength: 100),
                Memo = table.Column<string>(nullable: true, maxLength: 2000),
                PeriodStart = table.Column<DateOnly?>(nullable: true),
                PeriodEnd = table.Column<DateOnly?>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                Version = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Invoices", x => x.Id);
                table.ForeignKey(
                    name: "FK_Invoices_Accounts_AccountId",
                    column: x => x.AccountId,
                    principalTable: "Accounts",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
                table.CheckConstraint("CK_Invoices_OpenAmount", "\"OpenAmount\" >= 0 AND \"OpenAmount\" <= \"Total\"");
            });

        migrationBuilder.CreateTable(
            name: "Payments",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                AccountId = table.Column<long>(nullable: false),
                ExternalId = table.Column<string>(nullable: true, maxLength: 100),
                Number = table.Column<string>(nullable: false, maxLength: 50),
                ReceivedAt = table.Column<DateTime>(nullable: false),
                Method = table.Column<int>(nullable: false),
                MethodDetail = table.Column<string>(nullable: true, maxLength: 100),
                Currency = table.Column<string>(nullable: false, maxLength: 3),
                Amount = table.Column<long>(nullable: false),
                UnappliedAmount = table.Column<long>(nullable: false),
                Status = table.Column<int>(nullable: false),
                Source = table.Column<int>(nullable: false),
                IdempotencyKey = table.Column<string>(nullable: true, maxLength: 100),
                GatewayReference = table.Column<string>(nullable: true, maxLength: 100),
                FailureReason = table.Column<string>(nullable: true, maxLength: 500),
                CreatedByUserId = table.Column<string>(nullable: true, maxLength: 450),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Payments", x => x.Id);
                table.ForeignKey(
                    name: "FK_Payments_Accounts_AccountId",
                    column: x => x.AccountId,
                    principalTable: "Accounts",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
                table.CheckConstraint("CK_Payments_Amount", "\"Amount\" > 0");
                table.CheckConstraint("CK_Payments_Unapplied", "\"UnappliedAmount\" >= 0 AND \"UnappliedAmount\" <= \"Amount\"");
            });

        migrationBuilder.CreateTable(
            name: "AspNetRoleClaims",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                RoleId = table.Column<string>(nullable: false),
                ClaimType = table.Column<string>(nullable: true),
                ClaimValue = table.Column<string>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetRoleClaims", x => x.Id);
                table.ForeignKey(
                    name: "FK_AspNetRoleClaims_AspNetRoles_RoleId",
                    column: x => x.RoleId,
                    principalTable: "AspNetRoles",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserClaims",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                UserId = table.Column<string>(nullable: false),
                ClaimType = table.Column<string>(nullable: true),
                ClaimValue = table.Column<string>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserClaims", x => x.Id);
                table.ForeignKey(
                    name: "FK_AspNetUserClaims_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserLogins",
            columns: table => new
            {
                LoginProvider = table.Column<string>(nullable: false, maxLength: 128),
                ProviderKey = table.Column<string>(nullable: false, maxLength: 128),
                ProviderDisplayName = table.Column<string>(nullable: true),
                UserId = table.Column<string>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserLogins", x => new { x.LoginProvider, x.ProviderKey });
                table.ForeignKey(
                    name: "FK_AspNetUserLogins_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserPasskeys",
            columns: table => new
            {
                CredentialId = table.Column<byte[]>(nullable: false, maxLength: 1024),
                UserId = table.Column<string>(nullable: false),
                // Identity keeps the passkey as a JSON document: jsonb on PostgreSQL, text on SQLite.
                Data = table.Column<string>(type: migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL" ? "jsonb" : null, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserPasskeys", x => x.CredentialId);
                table.ForeignKey(
                    name: "FK_AspNetUserPasskeys_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserRoles",
            columns: table => new
            {
                UserId = table.Column<string>(nullable: false),
                RoleId = table.Column<string>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserRoles", x => new { x.UserId, x.RoleId });
                table.ForeignKey(
                    name: "FK_AspNetUserRoles_AspNetRoles_RoleId",
                    column: x => x.RoleId,
                    principalTable: "AspNetRoles",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "FK_AspNetUserRoles_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserTokens",
            columns: table => new
            {
                UserId = table.Column<string>(nullable: false),
                LoginProvider = table.Column<string>(nullable: false, maxLength: 128),
                Name = table.Column<string>(nullable: false, maxLength: 128),
                Value = table.Column<string>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserTokens", x => new { x.UserId, x.LoginProvider, x.Name });
                table.ForeignKey(
                    name: "FK_AspNetUserTokens_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Memberships",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                UserId = table.Column<string>(nullable: false, maxLength: 450),
                AccountId = table.Column<long>(nullable: false),
                Permissions = table.Column<int>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Memberships", x => x.Id);
                table.ForeignKey(
                    name: "FK_Memberships_Accounts_AccountId",
                    column: x => x.AccountId,
                    principalTable: "Accounts",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "FK_Memberships_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "CreditApplications",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                CreditMemoId = table.Column<long>(nullable: false),
                InvoiceId = table.Column<long>(nullable: false),
                Amount = table.Column<long>(nullable: false),
                AppliedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_CreditApplications", x => x.Id);
                table.ForeignKey(
                    name: "FK_CreditApplications_CreditMemos_CreditMemoId",
                    column: x => x.CreditMemoId,
                    principalTable: "CreditMemos",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "FK_CreditApplications_Invoices_InvoiceId",
                    column: x => x.InvoiceId,
                    principalTable: "Invoices",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
                table.CheckConstraint("CK_CreditApplications_Amount", "\"Amount\" > 0");
            });

        migrationBuilder.CreateTable(
            name: "InvoiceAttachments",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                InvoiceId = table.Column<long>(nullable: false),
                FileName = table.Column<string>(nullable: false, maxLength: 200),
                ContentType = table.Column<string>(nullable: false, maxLength: 100),
                Length = table.Column<long>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_InvoiceAttachments", x => x.Id);
                table.ForeignKey(
                    name: "FK_InvoiceAttachments_Invoices_InvoiceId",
                    column: x => x.InvoiceId,
                    principalTable: "Invoices",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "InvoiceLines",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                InvoiceId = table.Column<long>(nullable: false),
                LineNumber = table.Column<int>(nullable: false),
                ProductCode = table.Column<string>(nullable: true, maxLength: 50),
                Description = table.Column<string>(nullable: false, maxLength: 500),
                Quantity = table.Column<long>(nullable: false),
                Unit = table.Column<string>(nullable: true, maxLength: 20),
                UnitPrice = table.Column<long>(nullable: false),
                Amount = table.Column<long>(nullable: false),
                TaxAmount = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_InvoiceLines", x => x.Id);
                table.ForeignKey(
                    name: "FK_InvoiceLines_Invoices_InvoiceId",
                    column: x => x.InvoiceId,
                    principalTable: "Invoices",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "PaymentAllocations",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                PaymentId = table.Column<long>(nullable: false),
                InvoiceId = table.Column<long>(nullable: false),
                Amount = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_PaymentAllocations", x => x.Id);
                table.ForeignKey(
                    name: "FK_PaymentAllocations_Invoices_InvoiceId",
                    column: x => x.InvoiceId,
                    principalTable: "Invoices",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
                table.ForeignKey(
                    name: "FK_PaymentAllocations_Payments_PaymentId",
                    column: x => x.PaymentId,
                    principalTable: "Payments",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.CheckConstraint("CK_PaymentAllocations_Amount", "\"Amount\" > 0");
            });

        migrationBuilder.CreateTable(
            name: "InvoiceAttachmentContents",
            columns: table => new
            {
                AttachmentId = table.Column<long>(nullable: false),
                Bytes = table.Column<byte[]>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_InvoiceAttachmentContents", x => x.AttachmentId);
                table.ForeignKey(
                    name: "FK_InvoiceAttachmentContents_InvoiceAttachments_AttachmentId",
                    column: x => x.AttachmentId,
                    principalTable: "InvoiceAttachments",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "IX_Accounts_ExternalId",
            table: "Accounts",
            column: "ExternalId",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Accounts_Name",
            table: "Accounts",
            column: "Name");

        migrationBuilder.CreateIndex(
            name: "IX_Accounts_Number",
            table: "Accounts",
            column: "Number",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Accounts_ParentAccountId",
            table: "Accounts",
            column: "ParentAccountId");

        migrationBuilder.CreateIndex(
            name: "IX_Accounts_Phone",
            table: "Accounts",
            column: "Phone");

        migrationBuilder.CreateIndex(
            name: "IX_ActivityEntries_AccountId_OccurredAt_Id",
            table: "ActivityEntries",
            columns: new[] { "AccountId", "OccurredAt", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_ActivityEntries_UserId_OccurredAt_Id",
            table: "ActivityEntries",
            columns: new[] { "UserId", "OccurredAt", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_ApiKeys_Name",
            table: "ApiKeys",
            column: "Name");

        migrationBuilder.CreateIndex(
            name: "IX_ApiKeys_Prefix",
            table: "ApiKeys",
            column: "Prefix",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_AspNetRoleClaims_RoleId",
            table: "AspNetRoleClaims",
            column: "RoleId");

        migrationBuilder.CreateIndex(
            name: "RoleNameIndex",
            table: "AspNetRoles",
            column: "NormalizedName",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_AspNetUserClaims_UserId",
            table: "AspNetUserClaims",
            column: "UserId");

        migrationBuilder.CreateIndex(
            name: "IX_AspNetUserLogins_UserId",
            table: "AspNetUserLogins",
            column: "UserId");

        migrationBuilder.CreateIndex(
            name: "IX_AspNetUserPasskeys_UserId",
            table: "AspNetUserPasskeys",
            column: "UserId");

        migrationBuilder.CreateIndex(
            name: "IX_AspNetUserRoles_RoleId",
            table: "AspNetUserRoles",
            column: "RoleId");

        migrationBuilder.CreateIndex(
            name: "EmailIndex",
            table: "AspNetUsers",
            column: "NormalizedEmail");

        migrationBuilder.CreateIndex(
            name: "UserNameIndex",
            table: "AspNetUsers",
            column: "NormalizedUserName",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Contacts_AccountId_ExternalId",
            table: "Contacts",
            columns: new[] { "AccountId", "ExternalId" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_CreditApplications_CreditMemoId_InvoiceId",
            table: "CreditApplications",
            columns: new[] { "CreditMemoId", "InvoiceId" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_CreditApplications_InvoiceId",
            table: "CreditApplications",
            column: "InvoiceId");

        migrationBuilder.CreateIndex(
            name: "IX_CreditMemos_AccountId_Date_Id",
            table: "CreditMemos",
            columns: new[] { "AccountId", "Date", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_CreditMemos_ExternalId",
            table: "CreditMemos",
            column: "ExternalId",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_CreditMemos_Number",
            table: "CreditMemos",
            column: "Number",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_CreditMemos_Remaining",
            table: "CreditMemos",
            columns: new[] { "AccountId", "RemainingAmount" },
            filter: "\"RemainingAmount\" > 0 AND \"IsVoid\" = FALSE");

        migrationBuilder.CreateIndex(
            name: "IX_EmailMessages_CreatedAt",
            table: "EmailMessages",
            column: "CreatedAt");

        migrationBuilder.CreateIndex(
            name: "IX_EmailMessages_Status_NextAttemptAt",
            table: "EmailMessages",
            columns: new[] { "Status", "NextAttemptAt" });

        migrationBuilder.CreateIndex(
            name: "IX_IntegrationEvents_AccountId_Id",
            table: "IntegrationEvents",
            columns: new[] { "AccountId", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_IntegrationEvents_EventId",
            table: "IntegrationEvents",
            column: "EventId",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_IntegrationEvents_Type_Id",
            table: "IntegrationEvents",
            columns: new[] { "Type", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_InvoiceAttachments_InvoiceId",
            table: "InvoiceAttachments",
            column: "InvoiceId");

        migrationBuilder.CreateIndex(
            name: "IX_InvoiceLines_InvoiceId_LineNumber",
            table: "InvoiceLines",
            columns: new[] { "InvoiceId", "LineNumber" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Invoices_AccountId_DueDate_Id",
            table: "Invoices",
            columns: new[] { "AccountId", "DueDate", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_Invoices_AccountId_IssueDate_Id",
            table: "Invoices",
            columns: new[] { "AccountId", "IssueDate", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_Invoices_AccountId_Number",
            table: "Invoices",
            columns: new[] { "AccountId", "Number" });

        migrationBuilder.CreateIndex(
            name: "IX_Invoices_ExternalId",
            table: "Invoices",
            column: "ExternalId",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Invoices_Number",
            table: "Invoices",
            column: "Number",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Invoices_Open",
            table: "Invoices",
            columns: new[] { "AccountId", "DueDate", "OpenAmount" },
            filter: "\"OpenAmount\" > 0 AND \"IsVoid\" = FALSE");

        migrationBuilder.CreateIndex(
            name: "IX_Memberships_AccountId",
            table: "Memberships",
            column: "AccountId");

        migrationBuilder.CreateIndex(
            name: "IX_Memberships_UserId_AccountId",
            table: "Memberships",
            columns: new[] { "UserId", "AccountId" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_PaymentAllocations_InvoiceId",
            table: "PaymentAllocations",
            column: "InvoiceId");

        migrationBuilder.CreateIndex(
            name: "IX_PaymentAllocations_PaymentId_InvoiceId",
            table: "PaymentAllocations",
            columns: new[] { "PaymentId", "InvoiceId" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Payments_AccountId_ReceivedAt_Id",
            table: "Payments",
            columns: new[] { "AccountId", "ReceivedAt", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_Payments_ExternalId",
            table: "Payments",
            column: "ExternalId",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Payments_IdempotencyKey",
            table: "Payments",
            column: "IdempotencyKey",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Payments_Number",
            table: "Payments",
            column: "Number",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Payments_Unapplied",
            table: "Payments",
            columns: new[] { "AccountId", "UnappliedAmount" },
            filter: "\"UnappliedAmount\" > 0");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "InvoiceAttachmentContents");
        migrationBuilder.DropTable(name: "PaymentAllocations");
        migrationBuilder.DropTable(name: "InvoiceLines");
        migrationBuilder.DropTable(name: "InvoiceAttachments");
        migrationBuilder.DropTable(name: "CreditApplications");
        migrationBuilder.DropTable(name: "Memberships");
        migrationBuilder.DropTable(name: "AspNetUserTokens");
        migrationBuilder.DropTable(name: "AspNetUserRoles");
        migrationBuilder.DropTable(name: "AspNetUserPasskeys");
        migrationBuilder.DropTable(name: "AspNetUserLogins");
        migrationBuilder.DropTable(name: "AspNetUserClaims");
        migrationBuilder.DropTable(name: "AspNetRoleClaims");
        migrationBuilder.DropTable(name: "Payments");
        migrationBuilder.DropTable(name: "Invoices");
        migrationBuilder.DropTable(name: "CreditMemos");
        migrationBuilder.DropTable(name: "Contacts");
        migrationBuilder.DropTable(name: "OperatorSettings");
        migrationBuilder.DropTable(name: "IntegrationEvents");
        migrationBuilder.DropTable(name: "EmailMessages");
        migrationBuilder.DropTable(name: "DataProtectionKeys");
        migrationBuilder.DropTable(name: "AspNetUsers");
        migrationBuilder.DropTable(name: "AspNetRoles");
        migrationBuilder.DropTable(name: "ApiKeys");
        migrationBuilder.DropTable(name: "ActivityEntries");
        migrationBuilder.DropTable(name: "Accounts");
    }
}
