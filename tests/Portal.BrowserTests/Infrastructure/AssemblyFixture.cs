using Portal.BrowserTests.Infrastructure;

// One portal and one browser for the whole assembly.
[assembly: AssemblyFixture(typeof(BrowserFixture))]
