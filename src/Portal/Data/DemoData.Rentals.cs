using Portal.Features.Accounts;
using Portal.Features.CallOffs;
using Portal.Features.Contracts;
using Portal.Features.Licenses;
using Portal.Features.Requests;

namespace Portal.Data;

/// <summary>
/// Rentals and licenses for the demo: open and closed contracts and a reservation, items on rent (one
/// overdue), a call-off being scheduled, and a license inventory with some expiring and some lapsed.
/// </summary>
public sealed partial class DemoData
{
    private async Task AddRentalsAndLicensesAsync(Account bayside, Account northwind, string demoUserId, string otherUserId, DateOnly today, DateTime now, CancellationToken ct)
    {
        ContractItem Item(Account account, int line, string code, string description, string? asset, decimal qtyOut, decimal returned, int outDaysAgo, int? backInDays, decimal rate, string period) => new()
        {
            AccountId = account.Id,
            LineNumber = line,
            ProductCode = code,
            Description = description,
            AssetNumber = asset,
            QuantityOut = qtyOut,
            QuantityReturned = returned,
            DateOut = today.AddDays(-outDaysAgo),
            ExpectedReturn = backInDays is int d ? today.AddDays(d) : null,
            Rate = rate,
            RatePeriod = period,
        };

        Contract NewContract(Account account, string number, ContractStatus status, int startDaysAgo, int? endInDays, string site, string? po, params ContractItem[] items) => new()
        {
            AccountId = account.Id,
            ExternalId = "EXT-" + number,
            Number = number,
            Status = status,
            StartDate = today.AddDays(-startDaysAgo),
            EndDate = endInDays is int e ? today.AddDays(e) : null,
            JobSite = site,
            PurchaseOrder = po,
            Branch = "BOS",
            UpdatedAt = now,
            Items = [.. items],
        };

        var harborTunnel = NewContract(bayside, "RC-24017", ContractStatus.Open, 40, null, "Harbor Tunnel Project, Gate 4", "PO-88412",
            Item(bayside, 1, "EXC-20T", "20-ton excavator", "EX-2231", 1, 0, 40, 12, 2450m, "week"),
            Item(bayside, 2, "LIFT-45", "45 ft articulating boom lift", "BL-0457", 2, 0, 38, -3, 1180m, "week"),
            Item(bayside, 3, "GEN-56KW", "56 kW towable generator", "GN-5610", 1, 0, 35, 20, 165.50m, "day"),
            Item(bayside, 4, "CONE-28", "28 in traffic cone", null, 40, 10, 40, 30, 0.75m, "day"));
        var pierStreet = NewContract(bayside, "RC-24052", ContractStatus.Open, 9, 30, "18 Pier Street warehouse fit-out", "PO-88590",
            Item(bayside, 1, "LIFT-SC19", "19 ft scissor lift", "SL-1902", 2, 0, 9, 5, 125m, "day"),
            Item(bayside, 2, "COMP-185", "185 CFM air compressor", "AC-1853", 1, 0, 7, 7, 142m, "day"));
        var closed = NewContract(bayside, "RC-23988", ContractStatus.Closed, 95, -60, "Seaport Blvd resurfacing", "PO-87120",
            Item(bayside, 1, "ROLL-48", "48 in double-drum roller", "RL-4801", 1, 1, 95, -62, 960m, "week"),
            Item(bayside, 2, "PLATE-C", "Plate compactor", "PC-0311", 2, 2, 95, -62, 74m, "day"));
        var reservation = NewContract(bayside, "RC-24066", ContractStatus.Reserved, -7, 21, "Harbor Tunnel Project, Gate 2", "PO-88612",
            Item(bayside, 1, "TELE-10K", "10,000 lb telehandler", null, 0, 0, -7, 21, 1650m, "week"),
            Item(bayside, 2, "LT-TOWER", "LED light tower", null, 0, 0, -7, 21, 95m, "day"));
        var northwindSite = NewContract(northwind, "RC-30112", ContractStatus.Open, 14, null, "Elm Street apartments", null,
            Item(northwind, 1, "GEN-7KW", "7 kW portable generator", "GN-0712", 1, 0, 14, 7, 68m, "day"));
        db.Contracts.AddRange(harborTunnel, pierStreet, closed, reservation, northwindSite);
        await db.SaveChangesAsync(ct);

        // A call-off in progress on each side: the branch has scheduled Bayside's pickup; Northwind's is just sent.
        var compressor = pierStreet.Items.Single(i => i.LineNumber == 2);
        compressor.QuantityCalledOff = 1;
        var generator = northwindSite.Items.Single();
        generator.QuantityCalledOff = 1;
        var calloffs = new[]
        {
            new CallOff
            {
                AccountId = bayside.Id, Number = "CO-demo-1", Status = CallOffStatus.Scheduled, PickupDate = today.AddDays(2),
                ContactName = "Priya Natarajan", ContactPhone = "+1 (617) 555-0188", Notes = "Gate code 4471; the compressor is behind the loading dock.",
                RequestedByUserId = demoUserId, StatusNote = "Pickup between 8 and 11 am.", CreatedAt = now.AddDays(-1), UpdatedAt = now.AddHours(-3),
                Lines = [new CallOffLine { ContractItemId = compressor.Id, ContractNumber = pierStreet.Number, ProductCode = compressor.ProductCode, Description = compressor.Description, AssetNumber = compressor.AssetNumber, Quantity = 1 }],
            },
            new CallOff
            {
                AccountId = northwind.Id, Number = "CO-demo-2", Status = CallOffStatus.Sent, PickupDate = today.AddDays(3),
                ContactName = "Alice Moreau", ContactPhone = "+1 (603) 555-0177", RequestedByUserId = otherUserId, CreatedAt = now.AddHours(-5), UpdatedAt = now.AddHours(-5),
                Lines = [new CallOffLine { ContractItemId = generator.Id, ContractNumber = northwindSite.Number, ProductCode = generator.ProductCode, Description = generator.Description, AssetNumber = generator.AssetNumber, Quantity = 1 }],
            },
        };
        db.CallOffs.AddRange(calloffs);
        await db.SaveChangesAsync(ct);
        foreach (var c in calloffs)
        {
            c.Number = CallOff.NumberFor(c.Id);
        }

        await AddCallOffRequestsAsync(calloffs, ct);

        License NewLicense(Account account, string id, string code, string name, string key, int seats, string? version, int issuedDaysAgo, int? expiresInDays, MaintenanceStatus maintenance, int? maintenanceEndsInDays) => new()
        {
            AccountId = account.Id,
            ExternalId = id,
            ProductCode = code,
            ProductName = name,
            LicenseCode = key,
            Seats = seats,
            Version = version,
            IssuedOn = today.AddDays(-issuedDaysAgo),
            ExpiresOn = expiresInDays is int e ? today.AddDays(e) : null,
            Maintenance = maintenance,
            MaintenanceEndsOn = maintenanceEndsInDays is int m ? today.AddDays(m) : null,
            UpdatedAt = now,
        };

        db.Licenses.AddRange(
            NewLicense(bayside, "LIC-1001", "FLEET-PRO", "FleetTrack Pro", "FTP-7Q2K-M9XD-44RA-PLNE", 25, "8.2", 340, 25, MaintenanceStatus.Active, 25),
            NewLicense(bayside, "LIC-1002", "TELEM-GW", "Telematics Gateway", "TGW-31KX-ZZ08-HT6B-QW3M", 10, "3.1", 200, 55, MaintenanceStatus.Active, 55),
            NewLicense(bayside, "LIC-1003", "SITE-CAD", "SiteCAD Estimator", "SCE-90LM-1AA7-P2KD-VV8N", 5, "2025.2", 700, null, MaintenanceStatus.Lapsed, -45),
            NewLicense(bayside, "LIC-1004", "SAFE-LOG", "SafeLog Inspections", "SLI-55ZT-84QH-M3XC-0RRE", 50, "4.0", 120, 245, MaintenanceStatus.Active, 245),
            NewLicense(bayside, "LIC-1005", "YARD-MAP", "YardMap Dispatch", "YMD-2HC8-KK3W-77DN-B6PQ", 3, "1.9", 380, 80, MaintenanceStatus.Expiring, 80),
            NewLicense(bayside, "LIC-1006", "DOC-VAULT", "DocVault Archive", "DVA-8PRS-0L1M-AQ4Z-9HJT", 100, "6", 900, -20, MaintenanceStatus.Lapsed, -20),
            NewLicense(northwind, "LIC-3001", "FLEET-PRO", "FleetTrack Pro", "FTP-NW11-8DJ2-QPQ0-ZMV7", 5, "8.2", 100, 265, MaintenanceStatus.Active, 265));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The call-offs in the requests hub, as sending them does; a moved one with the billing system's line in its thread.</summary>
    private async Task AddCallOffRequestsAsync(IEnumerable<CallOff> calloffs, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        foreach (var c in calloffs)
        {
            var entry = CustomerRequestHub.Open(db, c.AccountId, RequestKind.CallOff, c.Number, CallOffService.Subject(c.Lines, c.PickupDate), CustomerRequestHub.StatusName(CallOffStatus.Sent), c.Id, c.RequestedByUserId, c.CreatedAt);
            await db.SaveChangesAsync(ct);
            CustomerRequestHub.MoveAndPost(db, entry, CustomerRequestHub.StatusName(c.Status), CallOff.IsOpen(c.Status), MessageSide.BillingSystem, null, "Billing system", c.UpdatedAt);
        }

        await db.SaveChangesAsync(ct);
    }
}
