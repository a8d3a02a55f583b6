using System.Globalization;
using Portal.Features.Operator;

namespace Portal.Tests.Features.Operator;

public sealed class BrandColorsTests
{
    [Fact]
    public void Black_and_white_have_the_full_ratio_and_a_colour_with_itself_none()
    {
        Assert.Equal(21.0, BrandColors.Contrast("#000000", "#FFFFFF"), 6);
        Assert.Equal(1.0, BrandColors.Contrast("#1F4E79", "#1F4E79"), 6);
        Assert.Equal(0.0, BrandColors.RelativeLuminance("#000000"), 6);
        Assert.Equal(1.0, BrandColors.RelativeLuminance("#ffffff"), 6);
    }

    [Theory]
    // Reference values from the WCAG definition (sRGB linearised, 0.2126/0.7152/0.0722).
    [InlineData("#767676", 4.54)]
    [InlineData("#777777", 4.48)]
    [InlineData("#FF0000", 4.00)]
    [InlineData("#0000FF", 8.59)]
    public void The_contrast_with_white_follows_the_wcag_formula(string colour, double expected)
    {
        Assert.Equal(expected, BrandColors.Contrast(colour, BrandColors.White), 2);
    }

    [Fact]
    public void The_default_colours_pass_and_light_ones_fail()
    {
        Assert.True(BrandColors.PrimaryContrast("#1F4E79") >= BrandColors.MinimumContrast);
        Assert.True(BrandColors.AccentContrast("#2E7D32") >= BrandColors.MinimumContrast);
        Assert.True(BrandColors.PrimaryContrast("#FFFF00") < BrandColors.MinimumContrast);
        Assert.True(BrandColors.AccentContrast("#66BB6A") < BrandColors.MinimumContrast);
    }

    [Fact]
    public void The_primary_colour_is_checked_against_the_welcome_box_too_not_only_white()
    {
        // #707070 passes on white (4.95:1) but not as link text on the welcome box's light blue.
        Assert.True(BrandColors.Contrast("#707070", BrandColors.White) >= BrandColors.MinimumContrast);
        Assert.True(BrandColors.PrimaryContrast("#707070") < BrandColors.MinimumContrast);
    }

    [Fact]
    public void A_ratio_is_shown_rounded_down_so_a_failing_one_never_reads_as_enough()
    {
        Assert.Equal("4.49", BrandColors.Format(4.4999, CultureInfo.InvariantCulture));
        Assert.Equal("4,49", BrandColors.Format(4.4999, CultureInfo.GetCultureInfo("fr")));
    }
}
