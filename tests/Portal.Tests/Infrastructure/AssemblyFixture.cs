using Portal.Tests.Infrastructure;

// One portal for the whole assembly: start-up, migration and demo seeding happen once.
[assembly: AssemblyFixture(typeof(PortalFactory))]
