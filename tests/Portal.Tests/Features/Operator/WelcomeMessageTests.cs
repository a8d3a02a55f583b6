using Portal.Features.Operator;

namespace Portal.Tests.Features.Operator;

public sealed class WelcomeMessageTests
{
    [Fact]
    public void Plain_text_becomes_a_paragraph_with_its_line_breaks()
    {
        Assert.Equal("<p>Hello<br>\nsecond line</p>", WelcomeMessage.ToHtml("Hello\nsecond line"));
        Assert.Equal("", WelcomeMessage.ToHtml("   "));
    }

    [Fact]
    public void Emphasis_strong_lists_and_links_are_kept()
    {
        var html = WelcomeMessage.ToHtml("Hi *there* and **welcome**.\n\n- one\n- two\n\n1. first\n\n[Site](https://example.com) [Mail](mailto:billing@example.com)");

        Assert.Contains("<em>there</em>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>welcome</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<ul>", html, StringComparison.Ordinal);
        Assert.Contains("<li>one</li>", html, StringComparison.Ordinal);
        Assert.Contains("<ol>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://example.com\" rel=\"noopener noreferrer\">Site</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"mailto:billing@example.com\" rel=\"noopener noreferrer\">Mail</a>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<script>alert('x')</script>", "<script")]
    [InlineData("<img src=x onerror=alert(1)>", "<img")]
    [InlineData("<b onclick=\"alert(1)\">bold</b>", "<b")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>", "<iframe")]
    [InlineData("![tracker](https://evil.example/pixel.png)", "<img")]
    [InlineData("[click](javascript:alert(1))", "javascript:")]
    [InlineData("[click](data:text/html;base64,PHNjcmlwdD4=)", "data:")]
    [InlineData("<a href=\"https://evil.example\" onmouseover=\"alert(1)\">x</a>", "<a href=\"https://evil.example\"")]
    public void Html_scripts_images_and_other_schemes_come_out_inert(string message, string absent)
    {
        var html = WelcomeMessage.ToHtml(message);

        Assert.DoesNotContain(absent, html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"<[^>]*\son[a-z]+\s*=", html);
    }

    [Fact]
    public void Raw_html_is_shown_as_text_not_run()
    {
        var html = WelcomeMessage.ToHtml("Before <script>alert('x')</script> after");

        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_heading_or_code_keeps_its_text_as_plain_text()
    {
        var html = WelcomeMessage.ToHtml("# Big news\n\nUse `code`.");

        Assert.DoesNotContain("<h1", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<code", html, StringComparison.Ordinal);
        Assert.Contains("Big news", html, StringComparison.Ordinal);
        Assert.Contains("code", html, StringComparison.Ordinal);
    }
}
