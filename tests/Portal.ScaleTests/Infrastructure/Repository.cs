namespace Portal.ScaleTests.Infrastructure;

/// <summary>The checkout the tests run from, for tests that read its files or start its helper programs (tests/smtp, tests/openapi).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Portal.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Portal.slnx not found above " + AppContext.BaseDirectory);
    }
}
