using Pipeline.Contracts.Media;
using SkiaSharp;

namespace Pipeline.Host.Data;

/// <summary>Writes <see cref="ImageItem"/>s as PNG or JPEG files, for example to export synthetic data or make test files.</summary>
public static class ImageFileEncoder
{
    /// <summary>Writes <paramref name="image"/> as a lossless PNG; values are rounded to the nearest of 256 levels.</summary>
    public static void WritePng(string path, ImageItem image) => Write(path, image, SKEncodedImageFormat.Png, 100);

    /// <summary>Writes <paramref name="image"/> as a JPEG of the given quality (1-100).</summary>
    public static void WriteJpeg(string path, ImageItem image, int quality = 95) => Write(path, image, SKEncodedImageFormat.Jpeg, quality);

    private static void Write(string path, ImageItem image, SKEncodedImageFormat format, int quality)
    {
        var plane = image.Height * image.Width;
        if (image.Pixels.Length != 3 * plane)
        {
            throw new ArgumentException(
                $"image '{image.SourceId}' has {image.Pixels.Length} values, expected 3 x {image.Height} x {image.Width}", nameof(image));
        }
        var rgba = new byte[4 * plane];
        for (var at = 0; at < plane; at++)
        {
            rgba[4 * at] = ToByte(image.Pixels[at]);
            rgba[4 * at + 1] = ToByte(image.Pixels[plane + at]);
            rgba[4 * at + 2] = ToByte(image.Pixels[2 * plane + at]);
            rgba[4 * at + 3] = 255;
        }
        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var data = bitmap.Encode(format, quality)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode image '{image.SourceId}' as {format}");
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    private static byte ToByte(float value) => (byte)Math.Clamp(MathF.Round(value * 255f), 0f, 255f);
}
