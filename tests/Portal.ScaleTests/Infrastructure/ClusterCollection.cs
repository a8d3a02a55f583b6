namespace Portal.ScaleTests.Infrastructure;

/// <summary>
/// One cluster for every scale test, and the tests one after another: they kill and restart instances and
/// count what nginx's rotation sends where, which tests running beside each other would disturb.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ScaleCluster>
{
    public const string Name = "cluster";
}
