using System.Text;
using Pipeline.Host.Data;

namespace Pipeline.Host.Tests.Data;

/// <summary>Conversation files stream item by item: values and start lines survive buffer refills; broken files fail with the file named.</summary>
public sealed class JsonArrayStreamTests
{
    private static List<(int Index, int Line, string Text)> ReadAll(string json)
    {
        using var stream = new JsonArrayStream(new MemoryStream(Encoding.UTF8.GetBytes(json)), "file 'f.json'");
        return stream.Items().Select(i => (i.Index, i.Line, i.Value.GetRawText())).ToList();
    }

    [Fact]
    public void Items_come_with_their_index_and_first_line()
    {
        var items = ReadAll("\uFEFF[\n  {\"a\": 1},\n\n  {\"b\":\n   [2, 3]}, \"x\", 4\n]\n");

        items.Should().Equal((0, 2, "{\"a\": 1}"), (1, 4, "{\"b\":\n   [2, 3]}"), (2, 5, "\"x\""), (3, 5, "4"));
    }

    [Fact]
    public void Items_spanning_buffer_refills_and_items_larger_than_the_buffer_read_whole_with_the_right_lines()
    {
        var builder = new StringBuilder("[\n");
        var expected = new List<(int Index, int Line, string Text)>();
        int line = 2;
        for (int i = 0; i < 3000; i++)
        {
            // Every 500th item is 200 KB, far above the first buffer; the others have a line break inside.
            string padding = i % 500 == 7 ? new string('x', 200_000) : new string('y', i % 37);
            string item = $"{{\"id\": {i},\n \"text\": \"{padding}\"}}";
            expected.Add((i, line, item));
            builder.Append(item).Append(i < 2999 ? ",\n" : "\n");
            line += 2;
        }
        builder.Append(']');

        ReadAll(builder.ToString()).Should().Equal(expected);
    }

    [Theory]
    [InlineData("{\"id\": 1}", "file 'f.json' must hold a JSON array of samples")]
    [InlineData("42", "file 'f.json' must hold a JSON array of samples")]
    [InlineData("", "file 'f.json' is not valid JSON (near line 1): it is empty")]
    [InlineData("[{\"id\": 1},\n{\"id\": 2", "file 'f.json' is not valid JSON (near line 2): it ends inside a value")]
    [InlineData("[1, 2]\n[3]", "file 'f.json' is not valid JSON (near line 2): there is more text after the array")]
    public void Files_that_are_not_one_json_array_fail_naming_the_file(string json, string expected)
    {
        var act = () => ReadAll(json);

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Be(expected);
    }

    [Fact]
    public void Invalid_json_inside_an_item_fails_naming_the_file_and_a_line()
    {
        var act = () => ReadAll("[\n{\"id\": 1},\n{\"id\": tru}\n]");

        act.Should().Throw<InvalidDataException>().Which.Message.Should().StartWith("file 'f.json' is not valid JSON (near line 3): ")
            .And.NotContain("LineNumber");
    }
}
