using Portal.Features.Integration;

namespace Portal.Infrastructure.Cli;

/// <summary>
/// Commands run with <c>dotnet run --project src/Portal -- COMMAND ...</c> instead of serving: they use
/// the same configuration and database as the web app, log to standard error and print only their
/// result on standard output.
/// </summary>
public static class CommandLine
{
    private static readonly Dictionary<string, Func<IServiceProvider, string[], TextWriter, TextWriter, Task<int>>> Commands = new(StringComparer.Ordinal)
    {
        ["api-key"] = ApiKeyCommands.RunAsync,
        ["import"] = CsvImport.RunAsync,
    };

    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.ContainsKey(args[0]);

    /// <summary>Registers a command (called by features from their Add... extension).</summary>
    public static void Register(string name, Func<IServiceProvider, string[], TextWriter, TextWriter, Task<int>> run) => Commands[name] = run;

    /// <summary>Logs go to standard error in command mode, so standard output carries only the result.</summary>
    public static WebApplicationBuilder AddCommandLineLogging(this WebApplicationBuilder builder, string[] args)
    {
        if (IsCommand(args))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }

        return builder;
    }

    public static Task<int> RunAsync(WebApplication app, string[] args) =>
        Commands[args[0]](app.Services, args, Console.Out, Console.Error);
}
