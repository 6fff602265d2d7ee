using Pipeline.Contracts.Media;
using SkiaSharp;

namespace Pipeline.Host.Data;

/// <summary>Decodes image files (PNG, JPEG and whatever else SkiaSharp reads) to RGB channel-major floats in [0, 1].</summary>
public static class ImageFileDecoder
{
    /// <summary>Decodes <paramref name="path"/>; alpha, if any, is dropped.</summary>
    /// <param name="path">The image file.</param>
    /// <param name="sourceId">The <see cref="MediaItem.SourceId"/> of the result.</param>
    /// <param name="reader">Reads the file; <see cref="DataFileReader.Default"/> when omitted.</param>
    /// <exception cref="InvalidDataException">The file does not exist or cannot be decoded.</exception>
    /// <exception cref="IOException">The file exists but could not be read, even after retries.</exception>
    public static ImageItem Decode(string path, string sourceId, DataFileReader? reader = null)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"image file '{path}' does not exist");
        }
        return Decode((reader ?? DataFileReader.Default).ReadAllBytes(path), path, sourceId);
    }

    /// <summary>Decodes an image file's <paramref name="bytes"/>; <paramref name="path"/> only names it in errors.</summary>
    /// <exception cref="InvalidDataException">The bytes are not an image SkiaSharp can decode.</exception>
    public static ImageItem Decode(byte[] bytes, string path, string sourceId)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            throw new InvalidDataException($"cannot decode image file '{path}' (not a PNG or JPEG image?)");
        }
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = SKBitmap.Decode(codec, info);
        if (bitmap is null)
        {
            throw new InvalidDataException($"cannot decode image file '{path}' (not a PNG or JPEG image?)");
        }
        return new ImageItem(sourceId, ToChannelMajor(bitmap), bitmap.Height, bitmap.Width);
    }

    private static float[] ToChannelMajor(SKBitmap bitmap)
    {
        var rgba = bitmap.GetPixelSpan();
        var plane = bitmap.Width * bitmap.Height;
        var pixels = new float[3 * plane];
        var rowBytes = bitmap.RowBytes;
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var from = y * rowBytes + 4 * x;
                var to = y * bitmap.Width + x;
                pixels[to] = rgba[from] / 255f;
                pixels[plane + to] = rgba[from + 1] / 255f;
                pixels[2 * plane + to] = rgba[from + 2] / 255f;
            }
        }
        return pixels;
    }
}
