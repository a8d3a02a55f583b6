using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Accounts;
using Portal.Features.Credits;
using Portal.Features.Identity;
using Portal.Features.Invoices;
using Portal.Features.Operator;
using Portal.Features.Payments;
using Portal.Infrastructure;

namespace Portal.Data;

/// <summary>
/// The demo operator and its customers: what `dotnet run` shows on a fresh database. Seeds only a
/// database with no accounts and no users, so it can never mix with an operator's real data.
/// </summary>
public sealed partial class DemoData(PortalDb db, UserManager<PortalUser> users, TimeProvider time, ILogger<DemoData> log)
{
    public const string Password = "Demo-Portal-2026";
    public const string CustomerEmail = "demo@example.com";
    public const string StaffEmail = "admin@example.com";

    /// <summary>A user on one unrelated company only: the other side of every isolation test.</summary>
    public const string OtherCustomerEmail = "other@example.com";

    private static readonly (string Code, string Description, string Unit, decimal Price)[] Catalogue =
    [
        ("EXC-20T", "20-ton excavator rental (weekly)", "week", 2450.00m),
        ("SKID-S70", "Skid steer loader S70 rental (daily)", "day", 285.00m),
        ("LIFT-45", "45 ft articulating boom lift (weekly)", "week", 1180.00m),
        ("GEN-56KW", "56 kW towable generator (daily)", "day", 165.50m),
        ("DEL-STD", "Delivery and pickup, standard zone", "trip", 145.00m),
        ("FUEL-DSL", "Diesel refuel charge", "gal", 4.389m),
        ("DMG-WAIVER", "Damage waiver (12% of rental)", "each", 0m),
        ("SVC-HR", "Field service technician", "hour", 118.00m),
        ("PPE-KIT", "Safety kit: vest, hard hat, glasses", "each", 42.75m),
        ("CLEAN-FEE", "Equipment cleaning fee", "each", 95.00m),
    ];

    public async Task SeedIfEmptyAsync(CancellationToken ct = default)
    {
        if (await db.Accounts.AnyAsync(ct) || await db.Users.AnyAsync(ct))
        {
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, OperatorClock.FindZone(OperatorDefaults.TimeZoneId)));
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        db.OperatorSettings.Add(new OperatorSettings
        {
            Name = "Summit Equipment Rental",
            LegalName = "Summit Equipment Rental, Inc.",
            WelcomeMessage = "Welcome to your **Summit** account. Pay invoices, download documents and follow your rentals any time.\nQuestions? Call your branch or write to [billing@summit-rental.example](mailto:billing@summit-rental.example).",
            Logo = Encoding.UTF8.GetBytes(LogoSvg),
            LogoContentType = "image/svg+xml",
            SupportEmail = "billing@summit-rental.example",
            SupportPhone = "+1 (617) 555-0142",
            Address = "Summit Equipment Rental, Inc.\n400 Harbor Way\nBoston, MA 02110",
            RemitTo = "Summit Equipment Rental, Inc.\nLockbox 4410, PO Box 8800\nBoston, MA 02266",
            BranchesEnabled = true,
            BranchNames = "BOS = Boston\nMHT = Manchester\nPVD = Providence",
            RegistrationByPhoneEnabled = true,
            UpdatedAt = now,
        });

        var bayside = NewAccount("ACC-10001", "10001", "Bayside Construction LLC", "6175550101", "02110", "Boston", "BOS", now);
        bayside.AddressLine1 = "18 Pier Street";
        var northYard = NewAccount("ACC-10002", "10002", "Bayside Construction - North Yard", "6175550102", "01801", "Woburn", "BOS", now);
        northYard.ParentAccount = bayside;
        northYard.BilledToParent = true;
        var harbor = NewAccount("ACC-10003", "10003", "Bayside Construction - Harbor Tunnel Project", "6175550103", "02128", "East Boston", "BOS", now);
        harbor.ParentAccount = bayside;
        var greenleaf = NewAccount("ACC-20001", "20001", "Greenleaf Landscaping Co.", "4015550144", "02903", "Providence", "PVD", now);
        var northwind = NewAccount("ACC-30001", "30001", "Northwind Property Management", "6035550177", "03101", "Manchester", "MHT", now);
        var rivera = NewAccount("ACC-40001", "40001", "Rivera Plumbing & Heating", "6175550190", "02145", "Somerville", "BOS", now);
        rivera.Type = AccountType.Cash;
        Account[] accounts = [bayside, northYard, harbor, greenleaf, northwind, rivera];
        db.Accounts.AddRange(accounts);
        await db.SaveChangesAsync(ct);

        db.Contacts.AddRange(
            NewContact(bayside, "C-1", "Dana Whitfield", "Controller", "dana.whitfield@bayside.example", "Billing", true, now),
            NewContact(bayside, "C-2", "Marcus Lee", "Project Manager", "marcus.lee@bayside.example", "Purchasing", false, now),
            NewContact(bayside, "C-3", "Priya Natarajan", "Site Superintendent", "priya.n@bayside.example", "Site", false, now),
            NewContact(greenleaf, "C-4", "Tom Greenleaf", "Owner", "tom@greenleaf.example", "Primary", true, now),
            NewContact(northwind, "C-5", "Alice Moreau", "Facilities Director", "a.moreau@northwind.example", "Primary", true, now));

        var demo = await CreateUserAsync(CustomerEmail, "Dana Whitfield", isStaff: false, now);
        var other = await CreateUserAsync(OtherCustomerEmail, "Alice Moreau", isStaff: false, now);
        var staff = await CreateUserAsync(StaffEmail, "Portal Administrator", isStaff: true, now);
        await AddStaffAsync(staff, now, ct);
        db.Memberships.AddRange(
            new Membership { UserId = demo.Id, AccountId = bayside.Id, Permissions = Permissions.All, CreatedAt = now },
            new Membership { UserId = demo.Id, AccountId = greenleaf.Id, Permissions = Permissions.View | Permissions.Pay | Permissions.SeeMoney, CreatedAt = now },
            new Membership { UserId = other.Id, AccountId = northwind.Id, Permissions = Permissions.All, CreatedAt = now });
        await db.SaveChangesAsync(ct);

        var random = new Random(2026);
        var numbers = new DocumentNumbers();
        foreach (var account in accounts)
        {
            AddYearOfActivity(account, today, now, random, numbers);
        }

        AddUnpaidCharges(bayside, today, now, random, numbers);
        await db.SaveChangesAsync(ct);
        AddPaymentsInPortal(bayside, northwind, demo.Id, other.Id, now);
        await db.SaveChangesAsync(ct);
        AddAutopay(bayside, demo.Id, today, now);
        AddStatementSubscriptions(bayside, northwind, demo.Id, other.Id, today, now);
        await db.SaveChangesAsync(ct);
        await AddOrdersAndQuotesAsync(bayside, greenleaf, northwind, demo.Id, other.Id, today, now, ct);
        await AddRequestsAsync(bayside, northwind, demo.Id, other.Id, now, ct);
        await AddYearOfUsageAsync([bayside, harbor, greenleaf, northwind], today, now, new Random(12), ct);
        await AddAccountUsersAsync(bayside, demo.Id, now, ct);
        await AddAuditEntriesAsync(staff, bayside, now, ct);
        await AddRentalsAndLicensesAsync(bayside, northwind, demo.Id, other.Id, today, now, ct);
        await tx.CommitAsync(ct);
        log.LogInformation("Demo data seeded: {Accounts} accounts; log in as {Customer} or {Staff}.", accounts.Length, CustomerEmail, StaffEmail);
    }

    /// <summary>
    /// Paying in the portal: a saved test card on Bayside (none on Greenleaf), and on Bayside's history
    /// a declined attempt and one whose outcome was unknown until the reconciler found the charge;
    /// Northwind has a card and a payment of its own. The test gateway holds the same cards and charges.
    /// </summary>
    private void AddPaymentsInPortal(Account bayside, Account northwind, string demoUserId, string otherUserId, DateTime now)
    {
        foreach (var (account, userId) in new[] { (bayside, demoUserId), (northwind, otherUserId) })
        {
            var token = "tpm_demo_" + account.Number;
            db.Add(new Portal.Infrastructure.Payments.TestGateway.TestGatewayMethod
            {
                Token = token,
                SetupReference = "tset_demo_" + account.Number,
                Customer = account.Number,
                Kind = Portal.Infrastructure.Payments.GatewayMethodKind.Card,
                Brand = "Visa",
                Last4 = "4242",
                ExpiryMonth = 12,
                ExpiryYear = now.Year + 3,
                Holder = "Dana Whitfield",
                CreatedAt = now,
            });
            var card = new SavedPaymentMethod
            {
                AccountId = account.Id,
                Gateway = "Test",
                Token = token,
                Kind = PaymentMethodKind.Card,
                Brand = "Visa",
                Last4 = "4242",
                ExpiryMonth = 12,
                ExpiryYear = now.Year + 3,
                Holder = account == bayside ? "Dana Whitfield" : "Alice Moreau",
                IsDefault = true,
                CreatedByUserId = userId,
                CreatedAt = now,
            };
            db.SavedPaymentMethods.Add(card);
            db.SaveChanges();

            // The newest open invoice receives a partial payment whose charge timed out and was reconciled.
            var invoice = db.Invoices.Local.Where(i => i.AccountId == account.Id && i.OpenAmount > 100m).OrderByDescending(i => i.IssueDate).First();
            AddAttempt(account, invoice, card, userId, 100.00m, succeeded: true, "Visa", now.AddDays(-3));
            if (account == bayside)
            {
                AddAttempt(account, invoice, card, userId, 250.00m, succeeded: false, "Visa", now.AddDays(-6));
            }
        }
    }

    /// <summary>Autopay on for Bayside with its saved card as default (Greenleaf has no card, so none there).</summary>
    private void AddAutopay(Account bayside, string demoUserId, DateOnly today, DateTime now) =>
        db.AutopayEnrollments.Add(new Portal.Features.Autopay.AutopayEnrollment
        {
            AccountId = bayside.Id,
            State = Portal.Features.Autopay.AutopayState.On,
            Since = today,
            UpdatedByUserId = demoUserId,
            UpdatedAt = now,
            Version = 1,
        });

    /// <summary>
    /// The demo customer has Bayside's statement e-mailed on the 1st of each month (last month's was
    /// sent); Northwind's user has theirs weekly on Mondays.
    /// </summary>
    private void AddStatementSubscriptions(Account bayside, Account northwind, string demoUserId, string otherUserId, DateOnly today, DateTime now)
    {
        var monthly = Portal.Features.Statements.StatementFrequency.Monthly;
        var subscription = new Portal.Features.Statements.StatementSubscription
        {
            AccountId = bayside.Id,
            UserId = demoUserId,
            Frequency = monthly,
            Day = 1,
            NextSendOn = Portal.Features.Statements.StatementSchedule.NextAfter(monthly, 1, today),
            CreatedAt = now.AddMonths(-3),
        };
        db.StatementSubscriptions.Add(subscription);
        var weekly = Portal.Features.Statements.StatementFrequency.Weekly;
        db.StatementSubscriptions.Add(new Portal.Features.Statements.StatementSubscription
        {
            AccountId = northwind.Id,
            UserId = otherUserId,
            Frequency = weekly,
            Day = (int)DayOfWeek.Monday,
            NextSendOn = Portal.Features.Statements.StatementSchedule.NextAfter(weekly, (int)DayOfWeek.Monday, today),
            CreatedAt = now,
        });
        db.SaveChanges();
        var sent = Portal.Features.Statements.StatementSchedule.LatestOnOrBefore(monthly, 1, today);
        var (from, to) = Portal.Features.Statements.StatementSchedule.Range(monthly, sent);
        db.StatementDeliveries.Add(new Portal.Features.Statements.StatementDelivery
        {
            SubscriptionId = subscription.Id,
            SendOn = sent,
            AccountId = bayside.Id,
            UserId = demoUserId,
            From = from,
            To = to,
            CreatedAt = now,
        });
    }

    private void AddAttempt(Account account, Invoice invoice, SavedPaymentMethod card, string userId, decimal amount, bool succeeded, string brand, DateTime at)
    {
        var id = Guid.NewGuid();
        var payment = new Payment
        {
            AccountId = account.Id,
            Number = "W" + id.ToString("N")[..10].ToUpperInvariant(),
            ReceivedAt = at,
            Method = PaymentMethodKind.Card,
            MethodDetail = $"{brand} ending 4242",
            Currency = account.Currency,
            Amount = amount,
            UnappliedAmount = amount,
            Status = succeeded ? PaymentStatus.Succeeded : PaymentStatus.Failed,
            Source = PaymentSource.Portal,
            AttemptId = id,
            IdempotencyKey = id.ToString("N") + "-" + account.Id.ToString(CultureInfo.InvariantCulture),
            GatewayReference = "tch_demo_" + id.ToString("N")[..12],
            FailureReason = succeeded ? null : "The card was declined.",
            CreatedByUserId = userId,
            CreatedAt = at,
        };
        if (succeeded)
        {
            payment.Allocations.Add(new PaymentAllocation { Invoice = invoice, Amount = amount });
            payment.UnappliedAmount = 0m;
            invoice.OpenAmount -= amount;
        }

        db.Payments.Add(payment);
        db.SaveChanges();
        db.PaymentAttempts.Add(new PaymentAttempt
        {
            Id = id,
            ConfirmKey = "demo-" + id.ToString("N"),
            Fingerprint = "demo",
            Origin = AttemptOrigin.Customer,
            UserId = userId,
            AccountId = account.Id,
            Currency = account.Currency,
            Amount = amount,
            MethodId = card.Id,
            MethodToken = card.Token,
            MethodKind = PaymentMethodKind.Card,
            MethodDetail = payment.MethodDetail!,
            Gateway = "Test",
            State = succeeded ? AttemptState.Succeeded : AttemptState.Failed,
            GatewayReference = payment.GatewayReference,
            DeclineCode = succeeded ? null : "generic_decline",
            FailureReason = payment.FailureReason,
            // The reconciled one: the request timed out, the reconciler asked the gateway a minute later.
            Checks = succeeded ? 1 : 0,
            LastCheckError = succeeded ? "The test gateway timed out (the charge went through)." : null,
            NextCheckAt = at,
            CreatedAt = at,
            UpdatedAt = at.AddMinutes(3),
            SettledAt = at.AddMinutes(3),
            Parts = [new PaymentAttemptPart { AccountId = account.Id, InvoiceId = invoice.Id, PaymentId = payment.Id, Amount = amount }],
        });
        db.Add(new Portal.Infrastructure.Payments.TestGateway.TestGatewayCharge
        {
            IdempotencyKey = id.ToString("N"),
            Fingerprint = "demo",
            Completed = true,
            Status = succeeded ? Portal.Infrastructure.Payments.ChargeStatus.Succeeded : Portal.Infrastructure.Payments.ChargeStatus.Declined,
            Reference = payment.GatewayReference!,
            DeclineCode = succeeded ? null : "generic_decline",
            MethodToken = card.Token,
            AmountMinor = (long)(amount * 100),
            Currency = account.Currency,
            CreatedAt = at,
        });
    }

    /// <summary>
    /// A year of daily metered usage (machine hours, fuel, telematics data) per machine, so that the usage
    /// page shows full periods, totals and a chart. What lies before the current billing period is
    /// billed on the invoice issued at the end of its period.
    /// </summary>
    // A few staff actions, so the console's audit log is not empty on first look.
    private async Task AddAuditEntriesAsync(PortalUser staff, Account bayside, DateTime now, CancellationToken ct)
    {
        Features.Admin.Audit.AuditEntry Entry(int daysAgo, string action, string kind, string? id, string? before, string? after) => new()
        {
            OccurredAt = now.AddDays(-daysAgo),
            ActorId = staff.Id,
            ActorEmail = staff.Email,
            Action = action,
            TargetKind = kind,
            TargetId = id,
            Before = before,
            After = after,
            IpAddress = "192.0.2.10",
        };

        db.AuditEntries.AddRange(
            Entry(20, "settings.changed", "settings", null, """{"WelcomeMessage":null}""", """{"WelcomeMessage":"Welcome to your customer portal."}"""),
            Entry(12, "invitation.sent", "invitation", $"{bayside.Number}/new.buyer@bayside.example", null, """{"Email":"new.buyer@bayside.example","Permissions":"View, Order"}"""),
            Entry(5, "account.permissions_changed", "membership", $"{bayside.Number}/{CustomerEmail}", """{"Permissions":"View, Pay, SeeMoney"}""", """{"Permissions":"All"}"""),
            Entry(1, "settings.changed", "settings", null, """{"UsageEnabled":false}""", """{"UsageEnabled":true}"""));
        await db.SaveChangesAsync(ct);
    }

    private async Task AddYearOfUsageAsync(Account[] accounts, DateOnly today, DateTime now, Random random, CancellationToken ct)
    {
        var zone = OperatorClock.FindZone(OperatorDefaults.TimeZoneId);
        (string Product, string Description, string Unit, decimal Min, decimal Max)[] meters =
        [
            ("GEN-56KW", "Generator runtime", "hour", 2m, 14m),
            ("FUEL-DSL", "Diesel delivered to site", "gal", 0m, 60m),
            ("TEL-DATA", "Telematics data", "MB", 5m, 40m),
        ];
        var serial = 410;
        foreach (var account in accounts)
        {
            var invoices = await db.Invoices.AsNoTracking().Where(i => i.AccountId == account.Id)
                .Select(i => new { i.Id, i.IssueDate }).OrderBy(i => i.IssueDate).ToListAsync(ct);
            var current = Features.Usage.BillingPeriods.Containing(today, account.BillDay, zone);
            var machines = Enumerable.Range(0, account.ParentAccountId is null ? 3 : 1).Select(_ => "SN-" + (serial++).ToString("D5", CultureInfo.InvariantCulture)).ToList();
            var records = new List<Features.Usage.UsageRecord>();
            for (var day = today.AddDays(-365); day <= today; day = day.AddDays(1))
            {
                var period = Features.Usage.BillingPeriods.Containing(day, account.BillDay, zone);
                // Billed on the first invoice issued at or after the period's end (none yet for the current one).
                var invoiceId = period.Start >= current.Start ? null
                    : invoices.Where(i => i.IssueDate >= period.End).Select(i => (long?)i.Id).FirstOrDefault();
                foreach (var (machine, index) in machines.Select((m, i) => (m, i)))
                {
                    foreach (var meter in meters)
                    {
                        // Weekends are quiet; fuel is delivered every few days, not daily.
                        if ((day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday && random.Next(3) > 0) || (meter.Product == "FUEL-DSL" && random.Next(3) > 0))
                        {
                            continue;
                        }

                        var local = day.ToDateTime(new TimeOnly(6 + random.Next(13), random.Next(60)));
                        var quantity = Math.Round(meter.Min + ((meter.Max - meter.Min) * (decimal)random.NextDouble()), 2);
                        records.Add(new Features.Usage.UsageRecord
                        {
                            AccountId = account.Id,
                            ExternalId = $"DEMO-USE-{account.Number}-{machine}-{meter.Product}-{day:yyyyMMdd}",
                            ProductCode = meter.Product,
                            Identifier = machine,
                            Description = $"{meter.Description}, {machine}" + (index == 0 ? " (main site)" : ""),
                            OccurredAt = Features.Usage.BillingPeriods.LocalMidnightToUtc(day, zone) + (local - day.ToDateTime(TimeOnly.MinValue)),
                            Quantity = quantity,
                            Unit = meter.Unit,
                            InvoiceId = invoiceId,
                            CreatedAt = now,
                        });
                    }
                }
            }

            db.UsageRecords.AddRange(records);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
    }

    private void AddYearOfActivity(Account account, DateOnly today, DateTime now, Random random, DocumentNumbers numbers)
    {
        // Thirteen monthly invoices ending this month; older ones are paid, the last few are open,
        // partly paid or overdue, so that every status shows up on every account.
        var invoices = new List<Invoice>();
        for (var monthsAgo = 12; monthsAgo >= 0; monthsAgo--)
        {
            var issue = new DateOnly(today.Year, today.Month, Math.Min(account.BillDay, 28)).AddMonths(-monthsAgo);
            if (issue > today)
            {
                issue = issue.AddMonths(-1);
            }

            var invoice = NewInvoice(account, issue, random, numbers, now);
            invoices.Add(invoice);
        }

        db.Invoices.AddRange(invoices);

        // A credit memo for a returned item, applied in part to an invoice of four months ago.
        var creditTarget = invoices[^5];
        var credit = new CreditMemo
        {
            AccountId = account.Id,
            ExternalId = $"CM-{account.Number}-1",
            Number = numbers.Next("CM"),
            Date = creditTarget.IssueDate.AddDays(9),
            Currency = account.Currency,
            Amount = 250.00m,
            RemainingAmount = 250.00m,
            Reference = $"Return against {creditTarget.Number}",
            Reason = "Equipment returned early",
            Branch = account.Branch,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var applied = Math.Min(100.00m, creditTarget.OpenAmount);
        credit.RemainingAmount -= applied;
        creditTarget.OpenAmount -= applied;
        db.CreditMemos.Add(credit);
        db.SaveChanges();
        db.CreditApplications.Add(new CreditApplication { CreditMemoId = credit.Id, InvoiceId = creditTarget.Id, Amount = applied, AppliedAt = now });

        // Payments: each paid invoice by its own payment two to three weeks after issue; one invoice
        // partly paid; the newest is open; one older invoice stays unpaid and is overdue.
        for (var i = 0; i < invoices.Count; i++)
        {
            var invoice = invoices[i];
            var age = invoices.Count - 1 - i;
            if (age == 0 || age == 3)
            {
                continue; // open (current) and overdue (three months old)
            }

            var amount = age == 1 ? Math.Round(invoice.OpenAmount / 2, 2) : invoice.OpenAmount;
            if (amount <= 0m)
            {
                continue;
            }

            var receivedLocal = invoice.IssueDate.AddDays(14 + random.Next(0, 8));
            if (receivedLocal > today)
            {
                receivedLocal = today;
            }

            var method = (PaymentMethodKind)(random.Next(0, 3));
            var payment = new Payment
            {
                AccountId = account.Id,
                ExternalId = $"PAY-{invoice.Number}",
                Number = numbers.Next("P"),
                ReceivedAt = receivedLocal.ToDateTime(new TimeOnly(15, 30), DateTimeKind.Utc),
                Method = method,
                MethodDetail = method switch
                {
                    PaymentMethodKind.Card => $"Visa ending {random.Next(1000, 9999)}",
                    PaymentMethodKind.BankAccount => $"Checking ending {random.Next(1000, 9999)}",
                    _ => $"Check {random.Next(10000, 99999)}",
                },
                Currency = account.Currency,
                Amount = amount,
                Status = PaymentStatus.Succeeded,
                Source = method == PaymentMethodKind.Check ? PaymentSource.BillingSystem : PaymentSource.Portal,
                CreatedAt = now,
            };
            payment.Allocations.Add(new PaymentAllocation { Invoice = invoice, Amount = amount });
            invoice.OpenAmount -= amount;
            db.Payments.Add(payment);
        }
    }

    /// <summary>
    /// Damage and late-return charges left unpaid, due 10, 45, 75 and 120 days ago, so that the
    /// statement's aging shows something in every bucket (current and 1-30 come from the monthly invoices).
    /// </summary>
    private void AddUnpaidCharges(Account account, DateOnly today, DateTime now, Random random, DocumentNumbers numbers)
    {
        foreach (var daysLate in new[] { 10, 45, 75, 120 })
        {
            var invoice = NewInvoice(account, today.AddDays(-daysLate - 30), random, numbers, now);
            invoice.ExternalId = $"INV-EXT-{account.Number}-LATE-{daysLate}";
            invoice.Memo = "Charges for damaged or late-returned equipment.";
            db.Invoices.Add(invoice);
        }
    }

    private static Invoice NewInvoice(Account account, DateOnly issue, Random random, DocumentNumbers numbers, DateTime now)
    {
        var invoice = new Invoice
        {
            AccountId = account.Id,
            ExternalId = $"INV-EXT-{account.Number}-{issue:yyyyMM}",
            Number = numbers.Next("INV"),
            IssueDate = issue,
            DueDate = issue.AddDays(30),
            Currency = account.Currency,
            Branch = account.Branch,
            PurchaseOrder = random.Next(0, 3) == 0 ? null : $"PO-{random.Next(4000, 9999)}",
            PeriodStart = issue.AddMonths(-1),
            PeriodEnd = issue.AddDays(-1),
            CreatedAt = now,
            UpdatedAt = now,
        };
        var lineCount = random.Next(2, 6);
        var picked = Catalogue.OrderBy(_ => random.Next()).Take(lineCount).ToList();
        var number = 1;
        foreach (var (code, description, unit, listPrice) in picked)
        {
            var quantity = unit switch
            {
                "gal" => random.Next(20, 140),
                "hour" => random.Next(2, 12),
                "day" => random.Next(1, 9),
                _ => random.Next(1, 4),
            };
            var price = listPrice == 0m ? 150.00m : listPrice;
            var amount = Math.Round(quantity * price, 2, MidpointRounding.AwayFromZero);
            var tax = Math.Round(amount * 0.0625m, 2, MidpointRounding.AwayFromZero);
            invoice.Lines.Add(new InvoiceLine
            {
                LineNumber = number++,
                ProductCode = code,
                Description = description,
                Quantity = quantity,
                Unit = unit,
                UnitPrice = price,
                Amount = amount,
                TaxAmount = tax,
            });
        }

        invoice.Subtotal = invoice.Lines.Sum(l => l.Amount);
        invoice.TaxTotal = invoice.Lines.Sum(l => l.TaxAmount);
        invoice.Total = invoice.Subtotal + invoice.TaxTotal;
        invoice.OpenAmount = invoice.Total;
        return invoice;
    }

    private static Account NewAccount(string externalId, string number, string name, string phone, string zip, string city, string branch, DateTime now) => new()
    {
        ExternalId = externalId,
        Number = number,
        Name = name,
        Email = $"ap@{name.Split(' ')[0].ToLowerInvariant()}.example",
        Phone = phone,
        PostalCode = zip,
        City = city,
        Region = zip.StartsWith("02", StringComparison.Ordinal) || zip.StartsWith("01", StringComparison.Ordinal) ? "MA" : zip.StartsWith("029", StringComparison.Ordinal) ? "RI" : "NH",
        Country = "US",
        AddressLine1 = $"{(number.GetHashCode(StringComparison.Ordinal) & 0x3FF) + 10} Commerce Drive",
        Currency = OperatorDefaults.Currency,
        BillDay = 1,
        Type = AccountType.Credit,
        Branch = branch,
        CreatedAt = now,
        UpdatedAt = now,
    };

    private static Contact NewContact(Account account, string externalId, string name, string title, string email, string role, bool primary, DateTime now) => new()
    {
        AccountId = account.Id,
        ExternalId = externalId,
        Name = name,
        Title = title,
        Email = email,
        Phone = account.Phone,
        Role = role,
        IsPrimary = primary,
        UpdatedAt = now,
    };

    private async Task<PortalUser> CreateUserAsync(string email, string name, bool isStaff, DateTime now)
    {
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, IsStaff = isStaff, CreatedAt = now };
        var result = await users.CreateAsync(user, Password);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Demo user could not be created: " + string.Join("; ", result.Errors.Select(e => e.Description)));
        }

        return user;
    }

    private sealed class DocumentNumbers
    {
        private readonly Dictionary<string, int> _next = new(StringComparer.Ordinal);

        public string Next(string prefix)
        {
            var n = _next.TryGetValue(prefix, out var current) ? current + 1 : 100001;
            _next[prefix] = n;
            return string.Create(CultureInfo.InvariantCulture, $"{prefix}-{n}");
        }
    }

    private const string LogoSvg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="200" height="48" viewBox="0 0 200 48" role="img" aria-label="Summit Equipment Rental">
          <path d="M4 42 L20 10 L28 24 L34 16 L46 42 Z" fill="#1F4E79"/>
          <path d="M20 10 L24 18 L16 18 Z" fill="#ffffff"/>
          <text x="54" y="30" font-family="Helvetica, Arial, sans-serif" font-size="20" font-weight="700" fill="#1F4E79">SUMMIT</text>
          <text x="54" y="43" font-family="Helvetica, Arial, sans-serif" font-size="10" letter-spacing="2" fill="#2E7D32">EQUIPMENT RENTAL</text>
        </svg>
        """;
}
