using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Portal.Infrastructure.Pdf;

/// <summary>
/// Loads PDFsharp, its licence switch and the bundled fonts in the background right after start, so the
/// first customer to download a PDF does not pay half a second for it.
/// </summary>
internal sealed class PdfWarmUp(ILogger<PdfWarmUp> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(
        () =>
        {
            try
            {
                PdfSetup.EnsureInitialized();
                using var document = new PdfDocument();
                var page = document.AddPage();
                using (var graphics = XGraphics.FromPdfPage(page))
                {
                    graphics.DrawString("warm-up", new XFont(PdfSetup.FontFamily, 10), XBrushes.Black, 10, 10);
                    graphics.DrawString("warm-up", new XFont(PdfSetup.FontFamily, 10, XFontStyleEx.Bold), XBrushes.Black, 10, 30);
                }

                document.Save(Stream.Null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Only a head start: the first real PDF would meet (and report) the same problem.
                log.LogWarning(e, "PDF warm-up failed.");
            }
        },
        stoppingToken);
}
