using Microsoft.Extensions.Localization;

namespace Portal.Features.Requests;

/// <summary>
/// Decides whether an uploaded file may be attached to a request, by its content alone (never by its
/// name or the browser's content type): a PNG, a JPEG or a PDF, of at most <see cref="MaxBytes"/>.
/// </summary>
public static class RequestFiles
{
    public const int MaxBytes = 10 * 1024 * 1024;
    public const int MaxFiles = 5;
    public const string Accept = ".png,.jpg,.jpeg,.pdf,image/png,image/jpeg,application/pdf";

    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF];
    private static readonly byte[] Pdf = "%PDF-"u8.ToArray();

    /// <summary>A file that passed: its safe name, the type read from its bytes, and the bytes.</summary>
    public sealed record Checked(string FileName, string ContentType, byte[] Bytes);

    /// <summary>The type the bytes are, or null when they are none of the allowed ones.</summary>
    public static string? Sniff(ReadOnlySpan<byte> content) =>
        content.StartsWith(Png) ? "image/png"
        : content.StartsWith(Jpeg) ? "image/jpeg"
        : content.StartsWith(Pdf) ? "application/pdf"
        : null;

    /// <summary>
    /// Reads and checks the uploads; every problem becomes a message for the field (nothing is kept
    /// when there is one). An empty file input (no file chosen) is not an upload.
    /// </summary>
    public static async Task<List<Checked>> ReadAsync(IEnumerable<IFormFile>? files, string field, Action<string, string> error, IStringLocalizer l, CancellationToken ct)
    {
        var result = new List<Checked>();
        var uploads = (files ?? []).Where(f => f.Length > 0 || !string.IsNullOrEmpty(f.FileName)).ToList();
        if (uploads.Count > MaxFiles)
        {
            error(field, l["Attach at most {0} files.", MaxFiles]);
            return [];
        }

        foreach (var file in uploads)
        {
            var name = SafeName(file.FileName);
            if (file.Length == 0)
            {
                error(field, l["{0} is empty.", name]);
                continue;
            }

            if (file.Length > MaxBytes)
            {
                error(field, l["{0} is larger than {1} MB.", name, MaxBytes / (1024 * 1024)]);
                continue;
            }

            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, ct);
            var bytes = buffer.ToArray();
            var type = Sniff(bytes);
            if (type is null)
            {
                error(field, l["{0} is not a PNG or JPEG photo or a PDF (whatever its name says).", name]);
                continue;
            }

            // A name that claims another type than the content is a file that lies about itself: it
            // would open in the wrong program on the reader's side.
            if (TypeOfName(name) != type)
            {
                error(field, l["{0} is named as another type than it is; name a PNG .png, a JPEG .jpg and a PDF .pdf.", name]);
                continue;
            }

            result.Add(new Checked(name, type, bytes));
        }

        return result;
    }

    /// <summary>Adds checked files to a request (in the caller's unit of work).</summary>
    public static void Attach(Data.PortalDb db, CustomerRequest request, IEnumerable<Checked> files, string? userId, DateTime now)
    {
        foreach (var file in files)
        {
            db.RequestAttachments.Add(new RequestAttachment
            {
                RequestId = request.Id,
                FileName = file.FileName,
                ContentType = file.ContentType,
                Length = file.Bytes.Length,
                UploadedByUserId = userId,
                CreatedAt = now,
                Content = new RequestAttachmentContent { Bytes = file.Bytes },
            });
        }
    }

    private static string? TypeOfName(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".pdf" => "application/pdf",
        _ => null,
    };

    // The name as shown and offered on download: no path, no control characters, at most 200 characters.
    private static string SafeName(string? name)
    {
        var file = Path.GetFileName((name ?? "").Replace('\\', '/'));
        file = new string(file.Where(c => !char.IsControl(c) && c != '"').ToArray()).Trim();
        if (file.Length == 0)
        {
            file = "attachment";
        }

        return file.Length <= 200 ? file : file[^200..];
    }
}
