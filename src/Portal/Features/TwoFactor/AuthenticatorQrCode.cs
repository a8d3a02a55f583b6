using QRCoder;

namespace Portal.Features.TwoFactor;

/// <summary>
/// The otpauth:// link as a QR code for the setup page: a PNG in a <c>data:</c> URI, which the content
/// security policy allows for images (<c>img-src 'self' data:</c>), so no endpoint has to serve the
/// secret and nothing of it reaches a log or a cache.
/// </summary>
public static class AuthenticatorQrCode
{
    public static string DataUri(string authenticatorUri)
    {
        using var data = QRCodeGenerator.GenerateQrCode(authenticatorUri, QRCodeGenerator.ECCLevel.M);
        // 5 pixels a module: about 250 px square for a typical key, sharp on any phone camera.
        var png = new PngByteQRCode(data).GetGraphic(5);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
