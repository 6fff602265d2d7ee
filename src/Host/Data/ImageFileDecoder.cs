using Pipeline.Contracts.Media;
using SkiaSharp;

namespace Pipeline.Host.Data;

/// <summary>Decodes image files (PNG, JPEG and whatever else SkiaSharp reads) to RGB channel-major floats in [0, 1].</summary>
public static class ImageFileDecoder
{
    /// <summary>The most pixels an image may have (8192 x 8192); larger ones are refused before their pixels are allocated.</summary>
    public const long MaxPixels = 8192L * 8192;

    /// <summary>Decodes <paramref name="path"/>; alpha, if any, is dropped.</summary>
    /// <param name="path">The image file.</param>
    /// <param name="sourceId">The <see cref="MediaItem.SourceId"/> of the result.</param>
    /// <param name="reader">Reads the file; <see cref="DataFileReader.Default"/> when omitted.</param>
    /// <exception cref="MediaProblemException">
    /// The path is not a readable regular file (<see cref="MediaPathInspector"/>), or the image is larger than <see cref="MaxPixels"/>.
    /// </exception>
    /// <exception cref="InvalidDataException">The file cannot be decoded, or only part of it can.</exception>
    /// <exception cref="IOException">The file exists but could not be read, even after retries.</exception>
    public static ImageItem Decode(string path, string sourceId, DataFileReader? reader = null) =>
        Decode(MediaPathInspector.ReadBytes("image", path, reader ?? DataFileReader.Default), path, sourceId);

    /// <summary>
    /// Decodes an image file's <paramref name="bytes"/>; <paramref name="path"/> only names it in errors. An image that
    /// decodes only in part (truncated or damaged data) is refused, not padded.
    /// </summary>
    /// <exception cref="MediaProblemException">The image is larger than <see cref="MaxPixels"/> (checked before decoding).</exception>
    /// <exception cref="InvalidDataException">The bytes are not an image SkiaSharp can decode whole.</exception>
    public static ImageItem Decode(byte[] bytes, string path, string sourceId)
    {
        if (bytes.Length == 0)
        {
            throw new InvalidDataException($"image file '{path}' is empty (0 bytes)");
        }
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            throw new InvalidDataException($"cannot decode image file '{path}' (not a PNG or JPEG image?)");
        }
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if ((long)width * height > MaxPixels)
        {
            throw new MediaProblemException(SampleProblemReason.MediaTooLarge,
                $"image file '{path}' is {width} x {height} pixels, more than the {MaxPixels} (8192 x 8192) an image may have");
        }
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        // SKBitmap.Decode accepts IncompleteInput and fills the missing rows; a partial image must not train.
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput)
        {
            throw new InvalidDataException($"image file '{path}' is truncated or damaged: only part of the image decodes");
        }
        if (result != SKCodecResult.Success)
        {
            throw new InvalidDataException($"cannot decode image file '{path}' ({result})");
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
