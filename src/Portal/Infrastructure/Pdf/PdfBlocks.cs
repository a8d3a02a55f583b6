namespace Portal.Infrastructure.Pdf;

/// <summary>
/// The two blocks a business document opens with, side by side under the letterhead: whom it is for on the
/// left, its facts on the right. Written once so that the documents line them up the same way.
/// </summary>
public static class PdfBlocks
{
    /// <summary>
    /// A soft heading ("Renter", "Prepared for"), the name in bold, then <paramref name="lines"/>, one a line,
    /// in a column <paramref name="width"/> wide at the left margin. Nothing is wrapped: the lines are short.
    /// </summary>
    public static void Party(this PdfDocumentWriter pdf, string heading, string name, IEnumerable<string> lines, double width)
    {
        pdf.Text(heading, pdf.Bold, pdf.Left, width, PdfAlign.Left, pdf.SoftBrush);
        pdf.Gap(pdf.LineHeight(pdf.Bold));
        pdf.Text(name, pdf.Bold, pdf.Left, width);
        pdf.Gap(pdf.LineHeight(pdf.Bold));
        foreach (var line in lines)
        {
            pdf.Text(line, pdf.Body, pdf.Left, width);
            pdf.Gap(pdf.LineHeight(pdf.Body));
        }
    }

    /// <summary>
    /// Label and value rows from <paramref name="left"/> to the right margin, from the current line down:
    /// the label soft, the value bold and right-aligned.
    /// </summary>
    public static void Facts(this PdfDocumentWriter pdf, IEnumerable<(string Label, string Value)> facts, double left, double labelWidth = 95)
    {
        foreach (var (label, value) in facts)
        {
            pdf.Text(label, pdf.Body, left, labelWidth, PdfAlign.Left, pdf.SoftBrush);
            pdf.Text(value, pdf.Bold, left + labelWidth, pdf.Right - left - labelWidth, PdfAlign.Right);
            pdf.Gap(pdf.LineHeight(pdf.Body) + 1);
        }
    }
}
