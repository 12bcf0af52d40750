using System.Xml.Linq;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using SkiaSharp;

namespace PsCamSync.Core.Tests.Reports;

/// <summary>Checks on the files a report writes: strict HTML parsing, PNG and SVG validity.</summary>
internal static class ReportFiles
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Parses <paramref name="path"/> in strict mode: any HTML parse error throws.</summary>
    public static IHtmlDocument ParseHtml(string path) =>
        new HtmlParser(new HtmlParserOptions { IsStrictMode = true }).ParseDocument(File.ReadAllText(path));

    /// <summary>Asserts <paramref name="bytes"/> are a PNG (signature, IHDR first) that SkiaSharp decodes; returns its size.</summary>
    public static (int Width, int Height) AssertPng(byte[] bytes, string what)
    {
        Assert.True(bytes.Length > 33 && bytes.AsSpan(0, 8).SequenceEqual(PngSignature), $"{what}: no PNG signature");
        Assert.True(bytes.AsSpan(12, 4).SequenceEqual("IHDR"u8), $"{what}: the first chunk is not IHDR");
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.True(bitmap is not null, $"{what}: SkiaSharp cannot decode it");
        return (bitmap!.Width, bitmap.Height);
    }

    /// <summary>Asserts <paramref name="path"/> parses as XML with an &lt;svg&gt; root in the SVG namespace.</summary>
    public static void AssertSvg(string path)
    {
        var root = XDocument.Load(path).Root!;
        Assert.Equal("svg", root.Name.LocalName);
        Assert.Equal("http://www.w3.org/2000/svg", root.Name.NamespaceName);
    }
}
