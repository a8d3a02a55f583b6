using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Metadata.Conventions.Infrastructure;

namespace Portal.Data;

/// <summary>
/// EF's own convention (an index on every foreign key not led by another index), except for the keys
/// an entity opts out of with <see cref="NoForeignKeyIndex"/>. EF has no public way to drop an index it
/// made by convention: removed in OnModelCreating, it comes straight back (dotnet/efcore#7605).
/// </summary>
internal sealed class ForeignKeyIndexesUnlessOptedOut(ProviderConventionSetBuilderDependencies dependencies) : ForeignKeyIndexConvention(dependencies)
{
    public const string NoForeignKeyIndex = "Portal:NoForeignKeyIndex";

    protected override IConventionIndex? CreateIndex(IReadOnlyList<IConventionProperty> properties, bool unique, IConventionEntityTypeBuilder entityTypeBuilder) =>
        properties.Count == 1 && properties[0].FindAnnotation(NoForeignKeyIndex) is not null
            ? null
            : base.CreateIndex(properties, unique, entityTypeBuilder);
}
