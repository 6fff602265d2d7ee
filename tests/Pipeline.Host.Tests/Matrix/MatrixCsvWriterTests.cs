using Pipeline.Host.Matrix;

namespace Pipeline.Host.Tests.Matrix;

public sealed class MatrixCsvWriterTests : IDisposable
{
    private readonly MatrixFixture _matrix = new();

    public void Dispose() => _matrix.Dispose();

    [Fact]
    public void A_finished_and_a_failed_cell_are_written_as_rfc_4180_records_at_full_precision()
    {
        var results = MatrixFixture.Results([
            _matrix.Cell(0, "lora", "constant", CellStatus.Finished, MatrixFixture.FinishedMetrics(0.725)),
            _matrix.Cell(1, "dora", "commit, fast", CellStatus.Failed, error: "out of memory: \"allocating\" 2 GB\nat step 3"),
        ]);

        string path = MatrixCsvWriter.Write(results, _matrix.Root);

        path.Should().Be(Path.Combine(_matrix.Root, "results.csv"));
        File.ReadAllText(path).Should().Be(
            "index,cell,adapter,schedule,accuracy,accuracy_image,accuracy_text,eval_loss,final_loss,steps,trainable_parameters,wall_seconds,tokens_per_second,status,error\r\n" +
            "0,\"adapter=lora,schedule=constant\",lora,constant,0.725,0.5,0.95,0.41372,0.30000000000000004,50,1204224,93.4,1234.5678,finished,\r\n" +
            "1,\"adapter=dora,schedule=commit, fast\",dora,\"commit, fast\",,,,,,,,,,failed,\"out of memory: \"\"allocating\"\" 2 GB\nat step 3\"\r\n");
    }

    [Fact]
    public void Numbers_read_back_as_the_same_doubles_whatever_the_current_culture()
    {
        var metrics = new Dictionary<string, double> { [MatrixMetrics.Accuracy] = 1.0 / 3, [MatrixMetrics.TrainableParameters] = 7e9, [MatrixMetrics.EvalLoss] = 1e-7 };
        var results = MatrixFixture.Results([_matrix.Cell(0, "lora", "constant", CellStatus.Finished, metrics)]);
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        string text;
        try
        {
            text = MatrixCsvWriter.Text(results);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }

        // The quoted cell name holds one comma, so the naive split puts accuracy at 5 and eval_loss at 8.
        string[] fields = text.Split("\r\n")[1].Split(',');
        double.Parse(fields[5], System.Globalization.CultureInfo.InvariantCulture).Should().Be(1.0 / 3);
        fields[8..12].Should().Equal("1E-07", "", "", "7000000000");
    }
}
