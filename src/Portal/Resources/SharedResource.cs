namespace Portal.Resources;

/// <summary>
/// The anchor type of the portal's one string table (SharedResource.resx, .es.resx, .fr.resx). Keys are
/// the English text, so a missing translation falls back to English rather than to a blank.
/// </summary>
public sealed class SharedResource;
