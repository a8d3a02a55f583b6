using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data;

/// <summary>
/// The data-protection package's key entity on the table the portal's own key store made before it
/// (64-bit key, a name of at most 200 characters, the XML required), so the keys written then, and
/// the cookies they protect, stay readable without moving a row.
/// </summary>
internal sealed class DataProtectionKeyMapping : IEntityTypeConfiguration<DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> b)
    {
        b.ToTable("DataProtectionKeys");
        b.Property(k => k.Id).HasConversion<long>().ValueGeneratedOnAdd();
        b.Property(k => k.FriendlyName).HasMaxLength(200);
        b.Property(k => k.Xml).IsRequired();
    }
}
