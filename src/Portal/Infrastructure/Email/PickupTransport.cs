using MimeKit;

namespace Portal.Infrastructure.Email;

/// <summary>Writes each message as an RFC 5322 <c>.eml</c> file (the demo's mail folder, a relay that picks files up).</summary>
internal sealed class PickupTransport(string directory) : MailTransport
{
    public override async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        // Written under a temporary name and renamed, so that a pickup relay never reads half a file.
        var name = Guid.NewGuid().ToString("N");
        var temporary = Path.Combine(directory, name + ".tmp");
        await message.WriteToAsync(FormatOptions.Default, temporary, ct);
        File.Move(temporary, Path.Combine(directory, name + ".eml"));
    }
}
