using Pipeline.Contracts.Media;

namespace Pipeline.Host.Data;

/// <summary>
/// Draws <see cref="ImageScene"/>s: filled shapes on black, without anti-aliasing. The half of the image that holds
/// the shapes is cut into three horizontal slots; each shape takes its own slot (so shapes never touch) with a
/// little jitter of size, position and brightness.
/// </summary>
public static class ShapeRenderer
{
    /// <summary>The RGB value of each colour at full brightness.</summary>
    public static IReadOnlyDictionary<string, (float R, float G, float B)> Rgb { get; } =
        new Dictionary<string, (float, float, float)>
        {
            ["red"] = (1f, 0f, 0f),
            ["green"] = (0f, 1f, 0f),
            ["blue"] = (0f, 0f, 1f),
            ["yellow"] = (1f, 1f, 0f),
        };

    /// <summary>Renders <paramref name="scene"/> as a <paramref name="size"/> x <paramref name="size"/> image.</summary>
    public static ImageItem Render(ImageScene scene, Random random, int size, string sourceId)
    {
        if (!Rgb.TryGetValue(scene.Colour, out var rgb))
        {
            throw new ArgumentException($"unknown colour '{scene.Colour}'", nameof(scene));
        }
        var pixels = new float[3 * size * size];
        var slotHeight = size / 3.0;
        var halfWidth = size / 2.0;
        var centreX = scene.Side == "left" ? halfWidth / 2 : halfWidth * 1.5;
        var slots = new[] { 0, 1, 2 };
        random.Shuffle(slots);
        for (var index = 0; index < scene.Count; index++)
        {
            var radius = slotHeight * (0.34 + 0.08 * random.NextDouble());
            var slack = slotHeight / 2 - radius - 1;
            var jitterX = (random.NextDouble() * 2 - 1) * Math.Min(slack, halfWidth / 2 - radius - 1);
            var jitterY = (random.NextDouble() * 2 - 1) * slack;
            var brightness = (float)(0.8 + 0.2 * random.NextDouble());
            var colour = (rgb.R * brightness, rgb.G * brightness, rgb.B * brightness);
            var centreY = slotHeight * (slots[index] + 0.5);
            Fill(pixels, size, scene.Shape, centreX + jitterX, centreY + jitterY, radius, colour);
        }
        return new ImageItem(sourceId, pixels, size, size);
    }

    private static void Fill(float[] pixels, int size, string shape, double centreX, double centreY, double radius,
        (float R, float G, float B) colour)
    {
        var plane = size * size;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var dx = x + 0.5 - centreX;
                var dy = y + 0.5 - centreY;
                if (!Covers(shape, dx, dy, radius))
                {
                    continue;
                }
                var at = y * size + x;
                pixels[at] = colour.R;
                pixels[plane + at] = colour.G;
                pixels[2 * plane + at] = colour.B;
            }
        }
    }

    private static bool Covers(string shape, double dx, double dy, double radius) => shape switch
    {
        "circle" => dx * dx + dy * dy <= radius * radius,
        "square" => Math.Abs(dx) <= radius * 0.85 && Math.Abs(dy) <= radius * 0.85,
        // An upward triangle: apex at the top, base at the bottom, as wide as it is tall.
        "triangle" => dy >= -radius && dy <= radius && Math.Abs(dx) <= (dy + radius) / 2,
        _ => throw new ArgumentException($"unknown shape '{shape}'", nameof(shape)),
    };
}
