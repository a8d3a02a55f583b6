using Portal.Features.Accounts;
using Portal.Features.Catalog;
using Portal.Features.Orders;
using Portal.Features.Quotes;
using Portal.Features.Requests;

namespace Portal.Data;

/// <summary>The demo catalogue, customer prices, orders in every status with their deliveries, and quotes.</summary>
public sealed partial class DemoData
{
    private static readonly (string Code, string Name, string Category, string Unit, decimal Price)[] Products =
    [
        ("EXC-20T", "20-ton excavator rental (weekly)", "Earthmoving", "week", 2450.00m),
        ("EXC-MINI", "Mini excavator 3.5 t rental (daily)", "Earthmoving", "day", 310.00m),
        ("SKID-S70", "Skid steer loader S70 rental (daily)", "Earthmoving", "day", 285.00m),
        ("BKT-24", "24 in digging bucket", "Earthmoving", "each", 640.00m),
        ("BKT-36", "36 in grading bucket", "Earthmoving", "each", 720.00m),
        ("LIFT-45", "45 ft articulating boom lift (weekly)", "Lifts", "week", 1180.00m),
        ("LIFT-SC19", "19 ft scissor lift (daily)", "Lifts", "day", 125.00m),
        ("LIFT-SC32", "32 ft rough-terrain scissor lift (weekly)", "Lifts", "week", 890.00m),
        ("TELE-10K", "10,000 lb telehandler (weekly)", "Lifts", "week", 1650.00m),
        ("GEN-56KW", "56 kW towable generator (daily)", "Power", "day", 165.50m),
        ("GEN-7KW", "7 kW portable generator (daily)", "Power", "day", 68.00m),
        ("CORD-50", "50 ft heavy-duty extension cord", "Power", "each", 34.90m),
        ("LT-TOWER", "LED light tower (daily)", "Power", "day", 95.00m),
        ("COMP-185", "185 CFM air compressor (daily)", "Air tools", "day", 142.00m),
        ("HAM-90", "90 lb pavement breaker (daily)", "Air tools", "day", 58.00m),
        ("HOSE-50", "50 ft air hose", "Air tools", "each", 41.50m),
        ("PLATE-C", "Plate compactor (daily)", "Compaction", "day", 74.00m),
        ("RAM-JJ", "Jumping jack rammer (daily)", "Compaction", "day", 88.00m),
        ("ROLL-48", "48 in double-drum roller (weekly)", "Compaction", "week", 960.00m),
        ("PPE-KIT", "Safety kit: vest, hard hat, glasses", "Safety", "each", 42.75m),
        ("PPE-GLOVE", "Cut-resistant gloves (pair)", "Safety", "each", 9.80m),
        ("CONE-28", "28 in traffic cone", "Safety", "each", 18.25m),
        ("BARR-6", "6 ft pedestrian barricade", "Safety", "each", 64.00m),
        ("FUEL-DSL", "Diesel fuel", "Consumables", "gal", 4.389m),
        ("FUEL-DEF", "Diesel exhaust fluid", "Consumables", "gal", 3.95m),
        ("BLADE-14", "14 in diamond saw blade", "Consumables", "each", 189.00m),
        ("GREASE-T", "Multi-purpose grease tube", "Consumables", "each", 7.45m),
        ("DEL-STD", "Delivery and pickup, standard zone", "Services", "trip", 145.00m),
        ("DEL-EXT", "Delivery and pickup, extended zone", "Services", "trip", 235.00m),
        ("SVC-HR", "Field service technician", "Services", "hour", 118.00m),
        ("CLEAN-FEE", "Equipment cleaning fee", "Services", "each", 95.00m),
        ("TRAIN-OP", "Operator training session", "Services", "each", 350.00m),
    ];

    private async Task AddOrdersAndQuotesAsync(Account bayside, Account greenleaf, Account northwind, string demoUserId, string otherUserId, DateOnly today, DateTime now, CancellationToken ct)
    {
        var products = Products.Select(p => new Product
        {
            Code = p.Code,
            Name = p.Name,
            Category = p.Category,
            Unit = p.Unit,
            ListPrice = p.Price,
            Currency = "USD",
            Active = true,
            UpdatedAt = now,
        }).ToList();
        // Withdrawn: kept for the history that names it, gone from the pad.
        products.Add(new Product { Code = "GEN-25KW-OLD", Name = "25 kW generator (retired model)", Category = "Power", Unit = "day", ListPrice = 120.00m, Currency = "USD", Active = false, UpdatedAt = now });
        // Listed in another currency only: no price for a USD account, so "ask for a quote".
        products.Add(new Product { Code = "CRANE-CA", Name = "Crane with operator, Canadian branch (hourly)", Category = "Lifts", Unit = "hour", ListPrice = 410.00m, Currency = "CAD", Active = true, UpdatedAt = now });
        db.Products.AddRange(products);
        await db.SaveChangesAsync(ct);

        var byCode = products.ToDictionary(p => p.Code, StringComparer.Ordinal);
        // Customer prices: Bayside has negotiated rates on what it rents most; Northwind on a couple.
        foreach (var (account, code, price) in new (Account, string, decimal)[]
        {
            (bayside, "EXC-20T", 2195.00m), (bayside, "SKID-S70", 259.00m), (bayside, "LIFT-45", 1090.00m), (bayside, "GEN-56KW", 149.00m),
            (bayside, "DEL-STD", 125.00m), (bayside, "PPE-KIT", 38.50m), (bayside, "FUEL-DSL", 4.109m), (bayside, "PLATE-C", 66.00m),
            (northwind, "LIFT-SC19", 109.00m), (northwind, "LT-TOWER", 84.00m),
        })
        {
            db.CustomerPrices.Add(new CustomerPrice { AccountId = account.Id, ProductId = byCode[code].Id, UnitPrice = price, Currency = account.Currency, UpdatedAt = now });
        }

        var serial = 0;
        foreach (var (account, userId) in new[] { (bayside, demoUserId), (greenleaf, demoUserId), (northwind, otherUserId) })
        {
            var pos = db.Invoices.Local.Where(i => i.AccountId == account.Id && i.PurchaseOrder != null).OrderByDescending(i => i.IssueDate).Select(i => i.PurchaseOrder!).Distinct().ToList();
            // One order per status, newest first, then a few older delivered ones.
            var plan = new (OrderStatus Status, int DaysAgo, DocumentSource Source, string[] Codes)[]
            {
                (OrderStatus.Submitted, 0, DocumentSource.Portal, ["SKID-S70", "DEL-STD", "PPE-KIT"]),
                (OrderStatus.Confirmed, 3, DocumentSource.Portal, ["LIFT-45", "DEL-STD"]),
                (OrderStatus.PartlyShipped, 8, DocumentSource.BillingSystem, ["GEN-56KW", "CORD-50", "FUEL-DSL"]),
                (OrderStatus.Shipped, 15, DocumentSource.Portal, ["PLATE-C", "RAM-JJ", "DEL-STD"]),
                (OrderStatus.Delivered, 34, DocumentSource.Portal, ["EXC-20T", "BKT-24", "DEL-EXT"]),
                (OrderStatus.Cancelled, 41, DocumentSource.Portal, ["TELE-10K"]),
                (OrderStatus.Delivered, 63, DocumentSource.BillingSystem, ["COMP-185", "HAM-90", "HOSE-50"]),
                (OrderStatus.Delivered, 95, DocumentSource.Portal, ["GEN-25KW-OLD", "FUEL-DSL", "CONE-28"]),
            };
            var delivered = 0;
            foreach (var (status, daysAgo, source, codes) in plan)
            {
                serial++;
                var orderedAt = today.AddDays(-daysAgo).ToDateTime(new TimeOnly(14, 10), DateTimeKind.Utc).AddMinutes(-serial);
                var acknowledged = status != OrderStatus.Submitted;
                var order = new Order
                {
                    AccountId = account.Id,
                    Number = source == DocumentSource.Portal ? $"W-DEMO{serial:D3}" : $"SO-{50100 + serial}",
                    ExternalId = acknowledged ? $"SO-EXT-{50100 + serial}" : null,
                    OrderedAt = orderedAt,
                    Status = status,
                    Source = source,
                    Currency = account.Currency,
                    PurchaseOrder = status == OrderStatus.Delivered && delivered < pos.Count ? pos[delivered++] : $"PO-{7100 + serial}",
                    PlacedByUserId = source == DocumentSource.Portal ? userId : null,
                    RequestedDate = today.AddDays(-daysAgo + 3),
                    DeliveryAddress = $"{account.AddressLine1 ?? account.Name}, {account.City} {account.PostalCode}",
                    Notes = serial % 3 == 0 ? "Call the site office 30 minutes before arrival." : null,
                    UpdatedAt = now,
                };
                var number = 1;
                foreach (var code in codes)
                {
                    var product = byCode[code];
                    var quantity = product.Unit == "gal" ? 120m : product.Unit == "day" ? 5m : 2m;
                    var shipped = status switch
                    {
                        OrderStatus.Shipped or OrderStatus.Delivered => quantity,
                        OrderStatus.PartlyShipped => number == 1 ? quantity : 0m,
                        _ => 0m,
                    };
                    order.Lines.Add(new OrderLine
                    {
                        LineNumber = number++,
                        ProductCode = code,
                        Description = product.Name,
                        Quantity = quantity,
                        Unit = product.Unit,
                        UnitPrice = product.ListPrice,
                        Amount = PricedLines.Amount(quantity, product.ListPrice, account.Currency),
                        QuantityShipped = shipped,
                    });
                }

                order.Total = order.Lines.Sum(l => l.Amount);
                db.Orders.Add(order);
                if (source == DocumentSource.Portal)
                {
                    // As placing it on the order pad does: the order is in the console's requests inbox, read only.
                    await db.SaveChangesAsync(ct);
                    CustomerRequestHub.Open(db, account.Id, RequestKind.Order, order.Number, OrderPadService.Subject(order), CustomerRequestHub.StatusName(status), order.Id, userId, orderedAt)
                        .IsOpen = OrderPadService.IsOpenStatus(status);
                }

                if (status is OrderStatus.PartlyShipped or OrderStatus.Shipped or OrderStatus.Delivered)
                {
                    await db.SaveChangesAsync(ct);
                    var shippedAt = orderedAt.AddDays(1).AddHours(3);
                    db.Deliveries.Add(new Delivery
                    {
                        AccountId = account.Id,
                        ExternalId = $"DL-EXT-{serial}",
                        Number = $"DL-{80100 + serial}",
                        OrderId = order.Id,
                        Status = status == OrderStatus.Delivered ? "Delivered" : "In transit",
                        ShippedAt = shippedAt,
                        DeliveredAt = status == OrderStatus.Delivered ? shippedAt.AddDays(1) : null,
                        Carrier = serial % 2 == 0 ? "Summit fleet" : "Harbor Freightways",
                        TrackingNumber = $"1Z{account.Number}{serial:D4}",
                        DeliveryAddress = order.DeliveryAddress,
                        UpdatedAt = now,
                    });
                }
            }

            // Quotes: accepted first (a priced quote is the first a link-walker finds), then issued and
            // still valid, expired, declined and one just requested in the portal.
            var quotePlan = new (QuoteStatus Status, int IssuedDaysAgo, int ValidDays, string? Text)[]
            {
                (QuoteStatus.Accepted, 40, 30, null),
                (QuoteStatus.Sent, 2, 30, null),
                (QuoteStatus.Sent, 50, 30, null),
                (QuoteStatus.Declined, 70, 30, null),
                (QuoteStatus.Requested, 0, 0, "Two light towers and a 56 kW generator for a night paving job, three weeks from the 1st."),
            };
            foreach (var (status, issuedDaysAgo, validDays, text) in quotePlan)
            {
                serial++;
                var requested = status == QuoteStatus.Requested;
                var quote = new Quote
                {
                    AccountId = account.Id,
                    Number = requested ? $"RQ-DEMO{serial:D3}" : $"QT-{60100 + serial}",
                    ExternalId = requested ? null : $"QT-EXT-{60100 + serial}",
                    Status = status,
                    Source = requested ? DocumentSource.Portal : DocumentSource.BillingSystem,
                    RequestedAt = today.AddDays(-issuedDaysAgo - 2).ToDateTime(new TimeOnly(15, 0), DateTimeKind.Utc),
                    IssuedOn = requested ? null : today.AddDays(-issuedDaysAgo),
                    ValidUntil = requested ? null : today.AddDays(-issuedDaysAgo + validDays),
                    Currency = account.Currency,
                    RequestText = text,
                    RequestedByUserId = requested ? userId : null,
                    AcceptedAt = status == QuoteStatus.Accepted ? now.AddDays(-issuedDaysAgo + 5) : null,
                    AcceptedByUserId = status == QuoteStatus.Accepted ? userId : null,
                    DeclinedAt = status == QuoteStatus.Declined ? now.AddDays(-issuedDaysAgo + 3) : null,
                    DeclineReason = status == QuoteStatus.Declined ? "The project was postponed to next season." : null,
                    UpdatedAt = now,
                };
                var codes = requested ? new[] { "LT-TOWER", "GEN-56KW" } : new[] { "ROLL-48", "PLATE-C", "DEL-EXT" };
                var line = 1;
                foreach (var code in codes)
                {
                    var product = byCode[code];
                    var quantity = requested ? 2m : 3m;
                    var price = requested ? 0m : decimal.Round(product.ListPrice * 0.92m, 2);
                    quote.Lines.Add(new QuoteLine
                    {
                        LineNumber = line++,
                        ProductCode = code,
                        Description = product.Name,
                        Quantity = quantity,
                        Unit = product.Unit,
                        UnitPrice = price,
                        Amount = PricedLines.Amount(quantity, price, account.Currency),
                    });
                }

                quote.Total = quote.Lines.Sum(l => l.Amount);
                db.Quotes.Add(quote);
                // Saved one by one so that ids follow the plan (the accepted quote is each account's first).
                await db.SaveChangesAsync(ct);
                if (requested)
                {
                    // As asking for it in the portal does: a quote request on /requests and in the console's inbox.
                    CustomerRequestHub.Open(db, account.Id, RequestKind.QuoteRequest, quote.Number, QuoteService.Subject(text, quote.Lines), CustomerRequestHub.StatusName(status), quote.Id, userId, quote.RequestedAt);
                }
            }
        }

        await db.SaveChangesAsync(ct);
    }
}
