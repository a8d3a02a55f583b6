using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Catalog;
using Portal.Features.Contracts;
using Portal.Features.Credits;
using Portal.Features.Identity;
using Portal.Features.Invoices;
using Portal.Features.Licenses;
using Portal.Features.Operator;
using Portal.Features.Orders;
using Portal.Features.Payments;
using Portal.Features.Usage;

namespace Portal.Bench.Generate;

internal sealed record GenerateOptions(
    int Accounts,
    int Invoices,
    DatabaseProvider Provider,
    string ConnectionString,
    string UsersFile,
    int Seed,
    DateOnly AsOf,
    long Usage);

/// <summary>
/// A large operator, generated deterministically from a seed and an as-of date: accounts (parents with
/// children, some billed to the parent), users, memberships, three years of invoices with lines, credit
/// memos and payments whose allocations explain every invoice's open amount.
/// </summary>
internal sealed class Generator(GenerateOptions options)
{
    /// <summary>Every generated user's password.</summary>
    public const string Password = "Bench-Portal-2026";

    private const decimal TaxRate = 0.0625m;
    private const int SampleInvoicesPerAccount = 12;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly (string Code, string Description, string Unit, decimal Price, bool Fractional)[] Catalogue =
    [
        ("EXC-20T", "20-ton excavator rental (weekly)", "week", 2450.00m, false),
        ("SKID-S70", "Skid steer loader S70 rental (daily)", "day", 285.00m, false),
        ("LIFT-45", "45 ft articulating boom lift (weekly)", "week", 1180.00m, false),
        ("GEN-56KW", "56 kW towable generator (daily)", "day", 165.50m, false),
        ("DEL-STD", "Delivery and pickup, standard zone", "trip", 145.00m, false),
        ("FUEL-DSL", "Diesel refuel charge", "gal", 4.389m, true),
        ("SVC-HR", "Field service technician", "hour", 118.00m, true),
        ("PPE-KIT", "Safety kit: vest, hard hat, glasses", "each", 42.75m, false),
        ("CLEAN-FEE", "Equipment cleaning fee", "each", 95.00m, false),
        ("TRENCH-24", "Walk-behind trencher 24 in (daily)", "day", 210.00m, false),
        ("COMP-185", "185 CFM air compressor (daily)", "day", 138.00m, false),
        ("LIGHT-TWR", "Light tower, 4 x 1000 W (weekly)", "week", 395.00m, false),
    ];

    private static readonly string[] NameStarts =
    [
        "Bayside", "Greenleaf", "Northwind", "Rivera", "Summit", "Harbor", "Granite", "Oakridge", "Pioneer", "Lakeshore",
        "Redstone", "Blue Hill", "Cedar", "Ironwood", "Maple", "Silver Creek", "Westfield", "Eastport", "Pinecrest", "Union",
        "Atlas", "Keystone", "Liberty", "Meridian", "Sterling", "Crescent", "Highland", "Riverside", "Stonebridge", "Tidewater",
    ];

    private static readonly string[] NameEnds =
    [
        "Construction LLC", "Landscaping Co.", "Property Management", "Plumbing & Heating", "Builders Inc.", "Roofing",
        "Electric", "Paving Corp.", "Excavation", "Demolition", "Facilities Services", "Site Works", "Concrete", "Events",
        "Restoration", "Marine Contractors", "Homes", "Utilities Inc.",
    ];

    private static readonly string[] Branches = ["BOS", "PVD", "MHT", "HFD", "PWM"];

    private readonly Random _random = new(options.Seed);

    public async Task<int> RunAsync()
    {
        var total = Stopwatch.StartNew();
        var dbOptions = PortalDbOptions.Create(options.Provider, options.ConnectionString);
        await using (var db = new PortalDb(dbOptions))
        {
            var step = Stopwatch.StartNew();
            await db.Database.EnsureDeletedAsync();
            await db.Database.MigrateAsync();
            if (db.Database.IsSqlite())
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }

            Console.WriteLine(string.Create(Inv, $"schema: fresh database migrated in {step.Elapsed.TotalSeconds:F1} s"));
            await AddOperatorAndCheckFormatsAsync(db);
        }

        await using var model = new PortalDb(dbOptions);
        using var sink = BulkSink.Create(options.Provider, options.ConnectionString);
        var load = Stopwatch.StartNew();
        var counts = new Counts();
        var accounts = WriteAccounts(sink, Writer<Account>(sink, model), counts);
        var sampleUsers = WriteUsers(sink, model, accounts, counts);
        Console.WriteLine(string.Create(Inv, $"accounts, users, memberships: {counts.Accounts:N0} / {counts.Users:N0} / {counts.Memberships:N0} in {load.Elapsed.TotalSeconds:F1} s"));
        WriteLedger(sink, model, accounts, counts, load);
        WriteCatalogAndOrders(sink, model, accounts, counts);
        WriteRentalsAndLicenses(sink, model, accounts);
        if (options.Usage > 0)
        {
            WriteUsage(sink, model, accounts, counts);
        }

        var finish = Stopwatch.StartNew();
        sink.Finish();
        Console.WriteLine(string.Create(Inv, $"commit, constraints, ANALYZE: {finish.Elapsed.TotalSeconds:F1} s"));
        await WriteUsersFileAsync(accounts, sampleUsers);
        if (options.Usage > 0)
        {
            await UsageRollupBuild.RunAsync(options.Provider, options.ConnectionString);
        }

        await SavedCardsBuild.RunAsync(options.Provider, options.ConnectionString);

        var rows = counts.Total;
        Console.WriteLine(string.Create(Inv, $"done: {rows:N0} rows in {total.Elapsed.TotalSeconds:F1} s ({rows / load.Elapsed.TotalSeconds:N0} rows/s while loading)"));
        Console.WriteLine(string.Create(Inv, $"  accounts {counts.Accounts:N0}, users {counts.Users:N0}, memberships {counts.Memberships:N0}, invoices {counts.Invoices:N0}, lines {counts.Lines:N0},"));
        Console.WriteLine(string.Create(Inv, $"  credit memos {counts.Credits:N0}, credit applications {counts.CreditApplications:N0}, payments {counts.Payments:N0}, allocations {counts.Allocations:N0}, usage {counts.Usage:N0}"));
        Console.WriteLine(string.Create(Inv, $"  open {counts.Open:N0}, partly paid {counts.PartlyPaid:N0}, paid {counts.Paid:N0}, void {counts.Void:N0}; users file: {options.UsersFile}"));
        return 0;
    }

    private static ITableWriter Writer<T>(BulkSink sink, PortalDb model) => sink.Open(EntityType(model, typeof(T)));

    private static IEntityType EntityType(PortalDb model, Type type) =>
        model.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model.");

    // The operator row goes in through EF; its timestamp read back raw must be what the bulk writer
    // would write for the same value, or the generated rows would not read back the same way.
    private async Task AddOperatorAndCheckFormatsAsync(PortalDb db)
    {
        var stamp = new DateTime(options.AsOf, new TimeOnly(9, 30, 15), DateTimeKind.Utc).AddTicks(1_234_567);
        db.OperatorSettings.Add(new OperatorSettings
        {
            Name = "Benchmark Equipment Rental",
            LegalName = "Benchmark Equipment Rental, Inc.",
            WelcomeMessage = "Welcome to your account. Pay invoices, download documents and follow your rentals any time.",
            SupportEmail = "billing@bench.example",
            SupportPhone = "+1 (617) 555-0100",
            Address = "Benchmark Equipment Rental, Inc.\n1 Load Street\nBoston, MA 02110",
            BranchesEnabled = true,
            UpdatedAt = stamp,
        });
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        if (!db.Database.IsSqlite())
        {
            return;
        }

        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"UpdatedAt\" FROM \"OperatorSettings\"";
        var efText = Convert.ToString(await command.ExecuteScalarAsync(), Inv);
        var ours = SqliteSink.Roundtrip(options.ConnectionString, stamp);
        var efDate = await db.Database.SqlQueryRaw<string>("SELECT {0} AS \"Value\"", options.AsOf).SingleAsync();
        var ourDate = SqliteSink.Roundtrip(options.ConnectionString, options.AsOf);
        await db.Database.CloseConnectionAsync();
        if (efText != ours || efDate != ourDate)
        {
            throw new InvalidOperationException($"EF writes '{efText}' and '{efDate}', the bulk writer '{ours}' and '{ourDate}'.");
        }

        Console.WriteLine(string.Create(Inv, $"formats: EF and the bulk writer agree (DateTime '{ours}', DateOnly '{ourDate}')"));
    }

    private AccountPlan[] WriteAccounts(BulkSink sink, ITableWriter writer, Counts counts)
    {
        var n = options.Accounts;
        var plans = new AccountPlan[n];
        var created = new DateTime(options.AsOf.AddYears(-4), TimeOnly.MinValue, DateTimeKind.Utc);
        for (var i = 0; i < n; i++)
        {
            var number = (100_001 + i).ToString(Inv);
            var name = $"{NameStarts[_random.Next(NameStarts.Length)]} {NameEnds[_random.Next(NameEnds.Length)]} {number}";
            // Every 40th account is a parent of the two or three that follow it.
            var offset = i % 40;
            var parent = offset >= 1 && offset <= 2 + (i / 40 % 2) ? i - offset : -1;
            var branch = Branches[_random.Next(Branches.Length)];
            var account = new Account
            {
                Id = i + 1,
                ExternalId = $"ACC-{number}",
                Number = number,
                Name = parent >= 0 ? $"{plans[parent].Name} - Site {i % 40}" : name,
                Email = $"ap{number}@bench.example",
                Phone = $"617555{i % 10_000:D4}",
                PostalCode = $"0{2100 + (i % 800):D4}",
                AddressLine1 = $"{10 + (i % 990)} Commerce Drive",
                City = "Boston",
                Region = "MA",
                Country = "US",
                Currency = "USD",
                BillDay = 1 + _random.Next(28),
                Type = _random.NextDouble() < 0.85 ? AccountType.Credit : AccountType.Cash,
                Branch = branch,
                ParentAccountId = parent >= 0 ? parent + 1 : null,
                BilledToParent = parent >= 0 && i % 2 == 1,
                PortalEnabled = true,
                CreatedAt = created.AddDays(_random.Next(300)),
                UpdatedAt = created.AddDays(400),
            };
            writer.Add(account);
            counts.Accounts++;
            plans[i] = new AccountPlan(account.Id, number, account.Name, account.Type, branch, parent >= 0);
        }

        // A few very large accounts first (the pages must stay fast for them), then a long tail.
        var weights = new double[n];
        for (var i = 0; i < n; i++)
        {
            weights[i] = Math.Exp(1.1 * Gaussian());
        }

        var remaining = (long)options.Invoices;
        foreach (var (index, share) in new[] { (5, 50), (6, 100), (7, 200) })
        {
            if (index < n)
            {
                plans[index].InvoiceCount = (int)Math.Min(remaining, options.Invoices / share);
                remaining -= plans[index].InvoiceCount;
                weights[index] = 0;
            }
        }

        var sum = weights.Sum();
        var assigned = 0L;
        for (var i = 0; i < n; i++)
        {
            var share = (int)(remaining * weights[i] / sum);
            plans[i].InvoiceCount += share;
            assigned += share;
        }

        for (var i = 0; assigned < remaining; i = (i + 1) % n)
        {
            if (weights[i] > 0)
            {
                plans[i].InvoiceCount++;
                assigned++;
            }
        }

        return plans;
    }

    private List<int> WriteUsers(BulkSink sink, PortalDb model, AccountPlan[] accounts, Counts counts)
    {
        var users = Writer<PortalUser>(sink, model);
        var memberships = Writer<Membership>(sink, model);
        var hasher = new PasswordHasher<PortalUser>(Options.Create(new PasswordHasherOptions { IterationCount = 210_000 }));
        var hash = hasher.HashPassword(new PortalUser(), Password);
        var created = new DateTime(options.AsOf.AddYears(-3), TimeOnly.MinValue, DateTimeKind.Utc);
        var membershipId = 0L;
        var loadUsers = new List<int>();

        PortalUser NewUser(string email, string name, bool staff) => new()
        {
            Id = NewGuid().ToString(),
            UserName = email,
            NormalizedUserName = email.ToUpperInvariant(),
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
            EmailConfirmed = true,
            PasswordHash = hash,
            SecurityStamp = Convert.ToHexString(NewGuid().ToByteArray()),
            ConcurrencyStamp = NewGuid().ToString(),
            LockoutEnabled = true,
            DisplayName = name,
            IsStaff = staff,
            CreatedAt = created,
        };

        void Member(PortalUser user, long accountId, Permissions permissions)
        {
            memberships.Add(new Membership { Id = ++membershipId, UserId = user.Id, AccountId = accountId, Permissions = permissions, CreatedAt = created });
            counts.Memberships++;
        }

        users.Add(NewUser("admin@bench.example", "Benchmark Administrator", staff: true));
        counts.Users++;
        for (var i = 0; i < accounts.Length; i++)
        {
            var plan = accounts[i];
            var email = $"user{plan.Number}@bench.example";
            var user = NewUser(email, $"Payables {plan.Number}", staff: false);
            users.Add(user);
            counts.Users++;
            var roll = _random.NextDouble();
            var permissions = roll < 0.90 ? Permissions.All
                : roll < 0.97 ? Permissions.View | Permissions.Pay | Permissions.SeeMoney
                : Permissions.View;
            Member(user, plan.Id, permissions);
            plan.UserEmail = email;
            // Load users see money and may order: the load test includes the order pad.
            if (permissions.HasFlag(Permissions.SeeMoney | Permissions.Order))
            {
                loadUsers.Add(i);
            }
        }

        // People who work for several unrelated customers (a bookkeeper, a property manager).
        for (var j = 0; j < Math.Max(1, accounts.Length / 20); j++)
        {
            var user = NewUser($"multi{j + 1:D5}@bench.example", $"Bookkeeper {j + 1}", staff: false);
            users.Add(user);
            counts.Users++;
            foreach (var index in Enumerable.Range(0, 2 + _random.Next(4)).Select(_ => _random.Next(accounts.Length)).Distinct())
            {
                Member(user, accounts[index].Id, Permissions.View | Permissions.Pay | Permissions.SeeMoney);
            }
        }

        return loadUsers;
    }

    private void WriteLedger(BulkSink sink, PortalDb model, AccountPlan[] accounts, Counts counts, Stopwatch load)
    {
        var invoices = Writer<Invoice>(sink, model);
        var lines = Writer<InvoiceLine>(sink, model);
        var credits = Writer<CreditMemo>(sink, model);
        var applications = Writer<CreditApplication>(sink, model);
        var payments = Writer<Payment>(sink, model);
        var allocations = Writer<PaymentAllocation>(sink, model);

        // Every invoice's (day, account), in issue order, so that ids follow time across accounts as
        // they would in a real billing system (an account's invoices are spread over the table).
        const int days = 3 * 365;
        var keys = new long[options.Invoices];
        var k = 0;
        for (var a = 0; a < accounts.Length; a++)
        {
            for (var j = 0; j < accounts[a].InvoiceCount; j++)
            {
                keys[k++] = ((long)_random.Next(days) << 32) | (uint)a;
            }
        }

        Array.Sort(keys);
        var start = options.AsOf.AddDays(-days);
        var lineId = 0L;
        var creditId = 0L;
        var applicationId = 0L;
        var paymentId = 0L;
        var allocationId = 0L;
        var step = Stopwatch.StartNew();
        var pendingLines = new List<InvoiceLine>(5);

        void FlushPayment(AccountPlan plan, DateOnly issued, int dueDays, bool partial)
        {
            if (plan.Pending.Count == 0)
            {
                return;
            }

            var amount = plan.Pending.Sum(p => p.Amount);
            var unapplied = !partial && _random.NextDouble() < 0.01 ? Math.Round((decimal)_random.NextDouble() * 200m, 2) + 0.01m : 0m;
            var received = PaymentTime(issued, dueDays);
            var (method, detail) = Method();
            var id = ++paymentId;
            payments.Add(new Payment
            {
                Id = id,
                AccountId = plan.Id,
                ExternalId = $"BILL-PAY-{id:D8}",
                Number = $"PAY-{id:D8}",
                ReceivedAt = received,
                Method = method,
                MethodDetail = detail,
                Currency = "USD",
                Amount = amount + unapplied,
                UnappliedAmount = unapplied,
                Status = PaymentStatus.Succeeded,
                Source = PaymentSource.BillingSystem,
                CreatedAt = received,
            });
            counts.Payments++;
            foreach (var (invoiceId, part) in plan.Pending)
            {
                allocations.Add(new PaymentAllocation { Id = ++allocationId, PaymentId = id, InvoiceId = invoiceId, Amount = part });
                counts.Allocations++;
            }

            plan.Pending.Clear();
        }

        for (var i = 0; i < keys.Length; i++)
        {
            var plan = accounts[(int)(keys[i] & 0xFFFF_FFFF)];
            var issue = start.AddDays((int)(keys[i] >> 32));
            var dueDays = plan.Type == AccountType.Credit ? 30 : 10;
            var due = issue.AddDays(dueDays);
            var id = i + 1L;
            var number = $"INV-{id:D7}";
            var invoice = new Invoice
            {
                Id = id,
                AccountId = plan.Id,
                ExternalId = $"BILL-INV-{id:D7}",
                Number = number,
                IssueDate = issue,
                DueDate = due,
                Currency = "USD",
                Branch = plan.Branch,
                PurchaseOrder = _random.NextDouble() < 0.3 ? $"PO-{_random.Next(10_000, 99_999)}" : null,
                PeriodStart = _random.NextDouble() < 0.5 ? issue.AddDays(-30) : null,
                CreatedAt = Utc(issue, 6),
                UpdatedAt = Utc(issue, 6),
            };
            invoice.PeriodEnd = invoice.PeriodStart?.AddDays(29);

            var lineCount = 1 + (int)Math.Floor(Math.Pow(_random.NextDouble(), 1.6) * 5);
            for (var n = 1; n <= lineCount; n++)
            {
                var item = Catalogue[_random.Next(Catalogue.Length)];
                var quantity = item.Fractional ? Math.Round(5m + (decimal)_random.NextDouble() * 150m, 1) : 1 + _random.Next(8);
                var amount = Math.Round(quantity * item.Price, 2, MidpointRounding.AwayFromZero);
                var tax = Math.Round(amount * TaxRate, 2, MidpointRounding.AwayFromZero);
                pendingLines.Add(new InvoiceLine
                {
                    Id = ++lineId,
                    InvoiceId = id,
                    LineNumber = n,
                    ProductCode = item.Code,
                    Description = item.Description,
                    Quantity = quantity,
                    Unit = item.Unit,
                    UnitPrice = item.Price,
                    Amount = amount,
                    TaxAmount = tax,
                });
                invoice.Subtotal += amount;
                invoice.TaxTotal += tax;
            }

            counts.Lines += lineCount;
            invoice.Total = invoice.Subtotal + invoice.TaxTotal;
            invoice.OpenAmount = invoice.Total;

            CreditMemo? credit = null;
            var partlyPaid = false;
            var roll = _random.NextDouble();
            if (roll < 0.003)
            {
                invoice.IsVoid = true;
                invoice.Memo = "Voided: issued in error.";
                counts.Void++;
            }
            else if (roll < 0.023)
            {
                // A credit memo for part of the invoice, applied to it.
                var creditAmount = Math.Max(0.01m, Math.Round(invoice.Total * (0.05m + (decimal)_random.NextDouble() * 0.25m), 2));
                credit = NewCredit(++creditId, plan, issue.AddDays(1 + _random.Next(20)), creditAmount, $"Adjustment on {number}");
                credit.RemainingAmount = 0;
                credit.Version = 1;
                invoice.OpenAmount -= creditAmount;
                invoice.Version++;
            }

            if (!invoice.IsVoid)
            {
                var pastDue = options.AsOf.DayNumber - due.DayNumber;
                var fate = _random.NextDouble();
                var (paid, partly) = pastDue < 0 ? (0.20, 0.30) : pastDue < 60 ? (0.55, 0.70) : (0.985, 0.993);
                if (fate < paid)
                {
                    plan.Pending.Add((id, invoice.OpenAmount));
                    invoice.Version++;
                    invoice.OpenAmount = 0;
                    counts.Paid++;
                }
                else if (fate < partly)
                {
                    // A partial payment of its own (pending ones go first, to keep one payment per batch).
                    FlushPayment(plan, issue, dueDays, partial: false);
                    var part = Math.Max(0.01m, Math.Round(invoice.OpenAmount * (0.2m + (decimal)_random.NextDouble() * 0.6m), 2));
                    if (part < invoice.OpenAmount)
                    {
                        plan.Pending.Add((id, part));
                        invoice.OpenAmount -= part;
                        invoice.Version++;
                        counts.PartlyPaid++;
                        partlyPaid = true;
                    }
                    else
                    {
                        counts.Open++;
                    }
                }
                else
                {
                    counts.Open++;
                }
            }

            invoices.Add(invoice);
            counts.Invoices++;
            foreach (var line in pendingLines)
            {
                lines.Add(line);
            }

            pendingLines.Clear();
            if (partlyPaid)
            {
                FlushPayment(plan, issue, dueDays, partial: true);
            }

            if (credit is not null)
            {
                credits.Add(credit);
                applications.Add(new CreditApplication { Id = ++applicationId, CreditMemoId = credit.Id, InvoiceId = id, Amount = credit.Amount, AppliedAt = credit.CreatedAt });
                counts.Credits++;
                counts.CreditApplications++;
            }
            else if (_random.NextDouble() < 0.003)
            {
                // Credit not yet applied to anything: the balance subtracts it.
                var unapplied = NewCredit(++creditId, plan, issue, Math.Round(20m + (decimal)_random.NextDouble() * 400m, 2), $"RMA-{_random.Next(10_000, 99_999)}");
                credits.Add(unapplied);
                counts.Credits++;
            }

            // One payment pays one invoice, or a few together.
            if (plan.Pending.Count >= plan.BatchSize)
            {
                FlushPayment(plan, issue, dueDays, partial: false);
                plan.BatchSize = _random.NextDouble() < 0.6 ? 1 : 2 + _random.Next(3);
            }

            plan.Sample(number, _random);

            if (id % 200_000 == 0)
            {
                Console.WriteLine(string.Create(Inv, $"  {id:N0} invoices, {counts.Total:N0} rows, {counts.Total / load.Elapsed.TotalSeconds:N0} rows/s"));
            }
        }

        foreach (var plan in accounts)
        {
            var dueDays = plan.Type == AccountType.Credit ? 30 : 10;
            FlushPayment(plan, options.AsOf.AddDays(-dueDays), dueDays, partial: false);
        }

        Console.WriteLine(string.Create(Inv, $"ledger: {counts.Invoices:N0} invoices with everything around them in {step.Elapsed.TotalSeconds:F1} s"));
    }

    private void WriteUsage(BulkSink sink, PortalDb model, AccountPlan[] accounts, Counts counts)
    {
        var writer = Writer<UsageRecord>(sink, model);
        var step = Stopwatch.StartNew();
        var from = new DateTime(options.AsOf.AddDays(-365), TimeOnly.MinValue, DateTimeKind.Utc);
        for (var id = 1L; id <= options.Usage; id++)
        {
            // Usage follows invoice volume: a big account meters a lot more.
            var account = accounts[(int)(Math.Pow(_random.NextDouble(), 3) * accounts.Length)];
            var item = Catalogue[_random.Next(Catalogue.Length)];
            var occurred = from.AddSeconds(_random.Next(365 * 86_400));
            writer.Add(new UsageRecord
            {
                Id = id,
                AccountId = account.Id,
                ExternalId = $"BILL-USE-{id:D10}",
                ProductCode = item.Code,
                Identifier = $"UNIT-{account.Number}-{_random.Next(20):D2}",
                Description = item.Description,
                OccurredAt = occurred,
                Quantity = Math.Round((decimal)_random.NextDouble() * 24m, 2),
                Unit = item.Unit,
                CreatedAt = occurred.AddMinutes(5),
            });
            counts.Usage++;
            if (id % 1_000_000 == 0)
            {
                Console.WriteLine(string.Create(Inv, $"  {id:N0} usage records, {counts.Usage / step.Elapsed.TotalSeconds:N0} records/s"));
            }
        }

        Console.WriteLine(string.Create(Inv, $"usage: {counts.Usage:N0} records in {step.Elapsed.TotalSeconds:F1} s"));
    }

    /// <summary>
    /// The order pad's catalogue (5,000 products in 40 categories, a few withdrawn), customer prices (the
    /// three largest accounts have one on every other product, the rest on a handful), and order history:
    /// an order for every fourth invoice, two or three lines, a delivery for each shipped one.
    /// </summary>
    /// <summary>
    /// Rental contracts (one per 20 invoices, 1-4 items, the newest still on rent) and 0-6 licenses per
    /// account: what /contracts, /items-out and /licenses read.
    /// </summary>
    private void WriteRentalsAndLicenses(BulkSink sink, PortalDb model, AccountPlan[] accounts)
    {
        var step = Stopwatch.StartNew();
        var contracts = Writer<Contract>(sink, model);
        var items = Writer<ContractItem>(sink, model);
        var licenses = Writer<License>(sink, model);
        var now = Utc(options.AsOf, 6);
        long contractId = 0, itemId = 0, licenseId = 0;
        foreach (var plan in accounts.Where(a => a.InvoiceCount > 0))
        {
            var count = Math.Max(1, plan.InvoiceCount / 20);
            for (var n = 0; n < count; n++)
            {
                var id = ++contractId;
                var start = options.AsOf.AddDays(-_random.Next(3 * 365));
                var recent = start > options.AsOf.AddDays(-60);
                var status = start > options.AsOf ? ContractStatus.Reserved : recent ? ContractStatus.Open : ContractStatus.Closed;
                contracts.Add(new Contract
                {
                    Id = id,
                    AccountId = plan.Id,
                    ExternalId = string.Create(Inv, $"BILL-RC-{id:D9}"),
                    Number = string.Create(Inv, $"RC-{id:D9}"),
                    Status = status,
                    StartDate = start,
                    EndDate = recent ? null : start.AddDays(7 + _random.Next(60)),
                    JobSite = string.Create(Inv, $"Site {_random.Next(1, 9)}"),
                    PurchaseOrder = string.Create(Inv, $"PO-{_random.Next(1000, 99999)}"),
                    UpdatedAt = now,
                });
                var itemCount = 1 + _random.Next(4);
                for (var l = 1; l <= itemCount; l++)
                {
                    var quantity = 1 + _random.Next(3);
                    items.Add(new ContractItem
                    {
                        Id = ++itemId,
                        ContractId = id,
                        AccountId = plan.Id,
                        LineNumber = l,
                        ProductCode = string.Create(Inv, $"P{1 + _random.Next(5000):D5}"),
                        Description = Catalogue[_random.Next(Catalogue.Length)].Description,
                        AssetNumber = string.Create(Inv, $"AS-{itemId:D8}"),
                        QuantityOut = quantity,
                        QuantityReturned = status == ContractStatus.Open ? 0 : quantity,
                        DateOut = start,
                        ExpectedReturn = start.AddDays(14 + _random.Next(60)),
                        Rate = Math.Round(50m + ((decimal)_random.NextDouble() * 2_000m), 2),
                        RatePeriod = _random.Next(2) == 0 ? "day" : "week",
                    });
                }
            }

            for (var n = _random.Next(7); n > 0; n--)
            {
                var id = ++licenseId;
                var issued = options.AsOf.AddDays(-_random.Next(3 * 365));
                var expires = _random.Next(4) == 0 ? (DateOnly?)null : issued.AddDays(365 + _random.Next(730));
                licenses.Add(new License
                {
                    Id = id,
                    AccountId = plan.Id,
                    ExternalId = string.Create(Inv, $"BILL-LIC-{id:D9}"),
                    ProductCode = string.Create(Inv, $"SW-{_random.Next(1, 40):D2}"),
                    ProductName = string.Create(Inv, $"Software product {_random.Next(1, 40):D2}"),
                    LicenseCode = Guid.NewGuid().ToString("N").ToUpperInvariant(),
                    Seats = 1 + _random.Next(100),
                    Version = string.Create(Inv, $"{_random.Next(1, 9)}.{_random.Next(10)}"),
                    IssuedOn = issued,
                    ExpiresOn = expires,
                    Maintenance = expires < options.AsOf ? MaintenanceStatus.Lapsed : MaintenanceStatus.Active,
                    MaintenanceEndsOn = expires,
                    UpdatedAt = now,
                });
            }
        }

        Console.WriteLine(string.Create(Inv, $"rentals and licenses: {contractId:N0} contracts, {itemId:N0} items, {licenseId:N0} licenses in {step.Elapsed.TotalSeconds:F1} s"));
    }

    private void WriteCatalogAndOrders(BulkSink sink, PortalDb model, AccountPlan[] accounts, Counts counts)
    {
        const int productCount = 5_000;
        var step = Stopwatch.StartNew();
        var products = Writer<Product>(sink, model);
        var prices = Writer<CustomerPrice>(sink, model);
        var orders = Writer<Order>(sink, model);
        var orderLines = Writer<OrderLine>(sink, model);
        var deliveries = Writer<Delivery>(sink, model);
        var now = Utc(options.AsOf, 6);
        var listPrices = new decimal[productCount + 1];
        var units = new string[productCount + 1];
        for (var id = 1; id <= productCount; id++)
        {
            var item = Catalogue[id % Catalogue.Length];
            listPrices[id] = Math.Round(5m + ((decimal)_random.NextDouble() * 2_000m), 2);
            units[id] = item.Unit;
            products.Add(new Product
            {
                Id = id,
                Code = string.Create(Inv, $"P{id:D5}"),
                Name = string.Create(Inv, $"{item.Description} model {id:D5}"),
                Category = string.Create(Inv, $"Category {id % 40:D2}"),
                Unit = item.Unit,
                ListPrice = listPrices[id],
                Currency = "USD",
                Active = id % 97 != 0,
                UpdatedAt = now,
            });
            counts.Products++;
        }

        var priceId = 0L;
        var biggest = accounts.OrderByDescending(a => a.InvoiceCount).Take(3).Select(a => a.Id).ToHashSet();
        foreach (var plan in accounts.Where(a => a.InvoiceCount > 0))
        {
            var picked = biggest.Contains(plan.Id)
                ? Enumerable.Range(1, productCount / 2).Select(n => n * 2)
                : Enumerable.Range(0, 5).Select(_ => 1 + _random.Next(productCount)).Distinct();
            foreach (var productId in picked)
            {
                prices.Add(new CustomerPrice { Id = ++priceId, AccountId = plan.Id, ProductId = productId, UnitPrice = Math.Round(listPrices[productId] * 0.9m, 2), Currency = "USD", UpdatedAt = now });
                counts.Prices++;
            }
        }

        var orderId = 0L;
        var lineId = 0L;
        var deliveryId = 0L;
        var from = new DateTime(options.AsOf.AddDays(-3 * 365), TimeOnly.MinValue, DateTimeKind.Utc);
        var statuses = Enum.GetValues<OrderStatus>();
        foreach (var plan in accounts.Where(a => a.InvoiceCount > 0))
        {
            var count = Math.Max(1, plan.InvoiceCount / 4);
            for (var n = 0; n < count; n++)
            {
                var id = ++orderId;
                var orderedAt = from.AddSeconds(_random.Next(3 * 365 * 86_400));
                // Mostly delivered; the newest few still moving.
                var status = orderedAt > now.AddDays(-20) ? statuses[_random.Next(statuses.Length)] : OrderStatus.Delivered;
                var portal = _random.Next(3) != 0;
                var lineCount = 2 + _random.Next(2);
                var total = 0m;
                // The lines are written after their order: the database checks the order they point to as they arrive.
                var lines = new List<OrderLine>(lineCount);
                for (var l = 1; l <= lineCount; l++)
                {
                    var productId = 1 + _random.Next(productCount);
                    var quantity = 1 + _random.Next(10);
                    var amount = quantity * listPrices[productId];
                    total += amount;
                    lines.Add(new OrderLine
                    {
                        Id = ++lineId,
                        OrderId = id,
                        LineNumber = l,
                        ProductCode = string.Create(Inv, $"P{productId:D5}"),
                        Description = "Product " + productId.ToString(Inv),
                        Quantity = quantity,
                        Unit = units[productId],
                        UnitPrice = listPrices[productId],
                        Amount = amount,
                        QuantityShipped = status is OrderStatus.Shipped or OrderStatus.Delivered ? quantity : 0,
                    });
                    counts.OrderLines++;
                }

                orders.Add(new Order
                {
                    Id = id,
                    AccountId = plan.Id,
                    ExternalId = status == OrderStatus.Submitted ? null : string.Create(Inv, $"BILL-SO-{id:D9}"),
                    Number = portal ? string.Create(Inv, $"W-{id:D9}") : string.Create(Inv, $"SO-{id:D9}"),
                    OrderedAt = orderedAt,
                    Status = status,
                    Source = portal ? DocumentSource.Portal : DocumentSource.BillingSystem,
                    Currency = "USD",
                    Total = total,
                    PurchaseOrder = _random.Next(3) == 0 ? null : string.Create(Inv, $"PO-{_random.Next(1000, 99999)}"),
                    UpdatedAt = orderedAt,
                });
                counts.Orders++;
                foreach (var line in lines)
                {
                    orderLines.Add(line);
                }

                if (status is OrderStatus.PartlyShipped or OrderStatus.Shipped or OrderStatus.Delivered)
                {
                    var shipped = orderedAt.AddDays(1 + _random.Next(3));
                    deliveries.Add(new Delivery
                    {
                        Id = ++deliveryId,
                        AccountId = plan.Id,
                        ExternalId = string.Create(Inv, $"BILL-DL-{deliveryId:D9}"),
                        Number = string.Create(Inv, $"DL-{deliveryId:D9}"),
                        OrderId = id,
                        Status = status == OrderStatus.Delivered ? "Delivered" : "In transit",
                        ShippedAt = shipped,
                        DeliveredAt = status == OrderStatus.Delivered ? shipped.AddDays(1) : null,
                        Carrier = "Bench Freight",
                        TrackingNumber = string.Create(Inv, $"1Z{deliveryId:D12}"),
                        UpdatedAt = shipped,
                    });
                    counts.Deliveries++;
                }
            }
        }

        Console.WriteLine(string.Create(Inv, $"catalogue and orders: {counts.Products:N0} products, {counts.Prices:N0} customer prices, {counts.Orders:N0} orders, {counts.OrderLines:N0} lines, {counts.Deliveries:N0} deliveries in {step.Elapsed.TotalSeconds:F1} s"));
    }

    private async Task WriteUsersFileAsync(AccountPlan[] accounts, List<int> loadUsers)
    {
        // The largest accounts first (so that any run with a few users includes them), then the rest
        // in a seeded random order.
        var big = loadUsers.OrderByDescending(i => accounts[i].InvoiceCount).Take(3).ToList();
        var rest = loadUsers.Except(big).ToArray();
        _random.Shuffle(rest);
        var text = new StringBuilder("# email\taccount\tinvoices\tsample of its invoice numbers\n");
        foreach (var i in big.Concat(rest).Where(i => accounts[i].InvoiceCount > 0))
        {
            var plan = accounts[i];
            text.Append(plan.UserEmail).Append('\t').Append(plan.Number).Append('\t')
                .Append(plan.InvoiceCount.ToString(Inv)).Append('\t').AppendJoin(',', plan.Samples).Append('\n');
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.UsersFile))!);
        await File.WriteAllTextAsync(options.UsersFile, text.ToString());
    }

    private CreditMemo NewCredit(long id, AccountPlan plan, DateOnly date, decimal amount, string reference)
    {
        if (date > options.AsOf)
        {
            date = options.AsOf;
        }

        return new CreditMemo
        {
            Id = id,
            AccountId = plan.Id,
            ExternalId = $"BILL-CM-{id:D7}",
            Number = $"CM-{id:D7}",
            Date = date,
            Currency = "USD",
            Amount = amount,
            RemainingAmount = amount,
            Reference = reference,
            Reason = "Billing adjustment",
            Branch = plan.Branch,
            CreatedAt = Utc(date, 7),
            UpdatedAt = Utc(date, 7),
        };
    }

    private DateTime PaymentTime(DateOnly issued, int dueDays)
    {
        var date = issued.AddDays(2 + _random.Next(dueDays + 10));
        if (date > options.AsOf)
        {
            date = options.AsOf;
        }

        return Utc(date, 8 + _random.Next(10)).AddSeconds(_random.Next(3600));
    }

    private (PaymentMethodKind, string) Method()
    {
        var roll = _random.NextDouble();
        return roll < 0.35 ? (PaymentMethodKind.Check, $"Check {_random.Next(1000, 99_999)}")
            : roll < 0.70 ? (PaymentMethodKind.BankAccount, $"Bank account ending {_random.Next(1000, 9999)}")
            : roll < 0.95 ? (PaymentMethodKind.Card, $"Visa ending {_random.Next(1000, 9999)}")
            : (PaymentMethodKind.Wire, "Wire transfer");
    }

    private static DateTime Utc(DateOnly date, int hour) => new(date, new TimeOnly(hour, 0), DateTimeKind.Utc);

    private Guid NewGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        return new Guid(bytes);
    }

    private double Gaussian() =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - _random.NextDouble())) * Math.Cos(2.0 * Math.PI * _random.NextDouble());

    private sealed class AccountPlan(long id, string number, string name, AccountType type, string branch, bool isChild)
    {
        public long Id { get; } = id;

        public string Number { get; } = number;

        public string Name { get; } = name;

        public AccountType Type { get; } = type;

        public string Branch { get; } = branch;

        public bool IsChild { get; } = isChild;

        public int InvoiceCount { get; set; }

        public string UserEmail { get; set; } = "";

        public int BatchSize { get; set; } = 1;

        public List<(long InvoiceId, decimal Amount)> Pending { get; } = [];

        public List<string> Samples { get; } = [];

        private int _seen;

        // Half the sample is the newest invoices (what people open), half a reservoir over all of them.
        public void Sample(string number, Random random)
        {
            _seen++;
            const int reservoir = SampleInvoicesPerAccount / 2;
            if (Samples.Count < SampleInvoicesPerAccount)
            {
                Samples.Add(number);
                return;
            }

            var slot = random.Next(_seen);
            if (slot < reservoir)
            {
                Samples[slot] = number;
            }

            Samples.RemoveAt(reservoir);
            Samples.Add(number);
        }
    }

    private sealed class Counts
    {
        public long Accounts;
        public long Users;
        public long Memberships;
        public long Invoices;
        public long Lines;
        public long Credits;
        public long CreditApplications;
        public long Payments;
        public long Allocations;
        public long Usage;
        public long Products;
        public long Prices;
        public long Orders;
        public long OrderLines;
        public long Deliveries;
        public long Open;
        public long PartlyPaid;
        public long Paid;
        public long Void;

        public long Total => Accounts + Users + Memberships + Invoices + Lines + Credits + CreditApplications + Payments + Allocations + Usage + Products + Prices + Orders + OrderLines + Deliveries;
    }
}
