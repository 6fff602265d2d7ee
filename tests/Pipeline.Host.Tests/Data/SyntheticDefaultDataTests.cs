using System.Security.Cryptography;
using System.Text;
using Pipeline.Contracts.Media;
using Pipeline.Host.Data;

namespace Pipeline.Host.Tests.Data;

/// <summary>
/// The default synthetic options must keep generating the data every published quickstart figure was measured on:
/// a change to the generator that moves one pixel, word or id of the default set fails here.
/// </summary>
public sealed class SyntheticDefaultDataTests
{
    [Fact]
    public void Default_options_generate_the_data_the_quickstart_figures_were_measured_on()
    {
        var splits = SyntheticInstructionSet.Generate(new SyntheticDataOptions { PretrainPerCategory = 60, TrainPerCategory = 60, EvalPerCategory = 30 });

        Digest(splits).Should().Be("fca3ff06030d110660f2e6bd9012f1db01865237f6c2ee52c516f824ac042a1a");
    }

    internal static string Digest(SyntheticSplits splits)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var sample in splits.Pretrain.Concat(splits.Train).Concat(splits.Eval))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{sample.Id}|{sample.Category}|{string.Join("|", sample.Turns.Select(t => t.From + ":" + t.Value))}\n"));
            float[] values = sample.Media?.Load() switch
            {
                ImageItem image => image.Pixels,
                AudioItem audio => audio.Samples,
                _ => [],
            };
            foreach (float value in values) hash.AppendData(BitConverter.GetBytes(value));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
