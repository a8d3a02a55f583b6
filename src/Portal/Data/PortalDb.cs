using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Metadata.Conventions.Infrastructure;
using Portal.Features.Accounts;
using Portal.Features.Catalog;
using Portal.Features.Contracts;
using Portal.Features.Credits;
using Portal.Features.Identity;
using Portal.Features.Integration;
using Portal.Features.Invitations;
using Portal.Features.Invoices;
using Portal.Features.Licenses;
using Portal.Features.Operator;
using Portal.Features.Orders;
using Portal.Features.Payments;
using Portal.Features.Quotes;
using Portal.Features.ServiceCalls;
using Portal.Features.Sessions;
using Portal.Features.Usage;
using Portal.Features.Webhooks;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Email;
using Portal.Infrastructure.Events;
using Portal.Infrastructure.Payments.TestGateway;

namespace Portal.Data;

/// <summary>The portal's one database: customer-facing copies of billing data, users, and the outboxes.</summary>
public sealed class PortalDb(DbContextOptions<PortalDb> options) : IdentityDbContext<PortalUser>(options), IDataProtectionKeyContext
{
    public DbSet<OperatorSettings> OperatorSettings => Set<OperatorSettings>();

    public DbSet<Account> Accounts => Set<Account>();

    public DbSet<Contact> Contacts => Set<Contact>();

    public DbSet<Membership> Memberships => Set<Membership>();

    public DbSet<Invoice> Invoices => Set<Invoice>();

    public DbSet<InvoiceLine> InvoiceLines => Set<InvoiceLine>();

    public DbSet<InvoiceAttachment> InvoiceAttachments => Set<InvoiceAttachment>();

    public DbSet<InvoiceAttachmentContent> InvoiceAttachmentContents => Set<InvoiceAttachmentContent>();

    public DbSet<CreditMemo> CreditMemos => Set<CreditMemo>();

    public DbSet<CreditApplication> CreditApplications => Set<CreditApplication>();

    public DbSet<Payment> Payments => Set<Payment>();

    public DbSet<PaymentAllocation> PaymentAllocations => Set<PaymentAllocation>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<EmailMessage> EmailMessages => Set<EmailMessage>();

    public DbSet<EmailAttachment> EmailAttachments => Set<EmailAttachment>();

    public DbSet<IntegrationEvent> IntegrationEvents => Set<IntegrationEvent>();

    public DbSet<ActivityEntry> ActivityEntries => Set<ActivityEntry>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<UsageRecord> UsageRecords => Set<UsageRecord>();

    public DbSet<Product> Products => Set<Product>();

    public DbSet<CustomerPrice> CustomerPrices => Set<CustomerPrice>();

    public DbSet<Contract> Contracts => Set<Contract>();

    public DbSet<ContractItem> ContractItems => Set<ContractItem>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<OrderLine> OrderLines => Set<OrderLine>();

    public DbSet<Delivery> Deliveries => Set<Delivery>();

    public DbSet<Quote> Quotes => Set<Quote>();

    public DbSet<QuoteLine> QuoteLines => Set<QuoteLine>();

    public DbSet<ServiceCall> ServiceCalls => Set<ServiceCall>();

    public DbSet<License> Licenses => Set<License>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();

    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();

    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    public DbSet<Invitation> Invitations => Set<Invitation>();

    public DbSet<PaymentAttempt> PaymentAttempts => Set<PaymentAttempt>();

    public DbSet<PaymentAttemptPart> PaymentAttemptParts => Set<PaymentAttemptPart>();

    public DbSet<SavedPaymentMethod> SavedPaymentMethods => Set<SavedPaymentMethod>();

    public DbSet<TestGatewayMethod> TestGatewayMethods => Set<TestGatewayMethod>();

    public DbSet<TestGatewayCharge> TestGatewayCharges => Set<TestGatewayCharge>();

    public DbSet<OrderPad> OrderPads => Set<OrderPad>();

    public DbSet<OrderPadLine> OrderPadLines => Set<OrderPadLine>();

    public DbSet<Features.Usage.UsageColumnChoice> UsageColumnChoices => Set<Features.Usage.UsageColumnChoice>();

    public DbSet<Features.Usage.Exports.UsageExport> UsageExports => Set<Features.Usage.Exports.UsageExport>();

    public DbSet<Features.Usage.Exports.UsageExportChunk> UsageExportChunks => Set<Features.Usage.Exports.UsageExportChunk>();

    public DbSet<Features.Autopay.AutopayEnrollment> AutopayEnrollments => Set<Features.Autopay.AutopayEnrollment>();

    public DbSet<Features.Autopay.AutopayCharge> AutopayCharges => Set<Features.Autopay.AutopayCharge>();

    public DbSet<Features.Autopay.AutopayReminder> AutopayReminders => Set<Features.Autopay.AutopayReminder>();

    public DbSet<Features.Admin.Audit.AuditEntry> AuditEntries => Set<Features.Admin.Audit.AuditEntry>();

    public DbSet<Features.Usage.UsageDay> UsageDays => Set<Features.Usage.UsageDay>();

    public DbSet<Features.Usage.UsageRollupAccount> UsageRollupAccounts => Set<Features.Usage.UsageRollupAccount>();

    public DbSet<Features.Requests.CustomerRequest> CustomerRequests => Set<Features.Requests.CustomerRequest>();

    public DbSet<Features.Requests.RequestMessage> RequestMessages => Set<Features.Requests.RequestMessage>();

    public DbSet<Features.Requests.RequestAttachment> RequestAttachments => Set<Features.Requests.RequestAttachment>();

    public DbSet<Features.Disputes.InvoiceDispute> InvoiceDisputes => Set<Features.Disputes.InvoiceDispute>();

    public DbSet<Features.CallOffs.CallOff> CallOffs => Set<Features.CallOffs.CallOff>();

    public DbSet<Features.CallOffs.CallOffLine> CallOffLines => Set<Features.CallOffs.CallOffLine>();

    public DbSet<Features.Statements.StatementSubscription> StatementSubscriptions => Set<Features.Statements.StatementSubscription>();

    public DbSet<Features.Statements.StatementDelivery> StatementDeliveries => Set<Features.Statements.StatementDelivery>();

    public DbSet<Infrastructure.Payments.Stripe.StripeCustomer> StripeCustomers => Set<Infrastructure.Payments.Stripe.StripeCustomer>();

    public DbSet<Features.Search.SearchDocument> SearchDocuments => Set<Features.Search.SearchDocument>();

    public DbSet<Infrastructure.Security.RateLimitWindow> RateLimitWindows => Set<Infrastructure.Security.RateLimitWindow>();

    public DbSet<InvoiceTotal> InvoiceTotals => Set<InvoiceTotal>();

    public DbSet<Features.Usage.UsageDayTotal> UsageDayTotals => Set<Features.Usage.UsageDayTotal>();

    public DbSet<Features.Usage.UsageIdentifierMonth> UsageIdentifierMonths => Set<Features.Usage.UsageIdentifierMonth>();

    public DbSet<Features.Statements.StatementDayTotal> StatementDayTotals => Set<Features.Statements.StatementDayTotal>();

    // The audit log is append-only: the application never changes or removes an entry (the database refuses too).
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefuseAuditChanges();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseAuditChanges();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void RefuseAuditChanges()
    {
        if (ChangeTracker.Entries<Features.Admin.Audit.AuditEntry>().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
        {
            throw new InvalidOperationException("Audit entries are append-only: they cannot be changed or deleted.");
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        // Identity builds schema version 3 (with passkeys) only when it finds IdentityOptions saying
        // so in the application's services: a context made outside the app must come from
        // PortalDbOptions.Create, or its model would silently lack the passkeys table.
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDb).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Money and quantities: exact fixed-point integers in both databases (docs/decisions/0003).
        configurationBuilder.Properties<decimal>().HaveConversion<FixedPointConverter>();
        // Timestamps are UTC in storage and come back marked as UTC.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<Enum>().HaveConversion<int>();
        configurationBuilder.Conventions.Remove(typeof(ForeignKeyIndexConvention));
        configurationBuilder.Conventions.Add(services => new ForeignKeyIndexesUnlessOptedOut(services.GetRequiredService<ProviderConventionSetBuilderDependencies>()));
    }
}
