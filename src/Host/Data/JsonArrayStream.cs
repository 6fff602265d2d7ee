using System.Text.Json;

namespace Pipeline.Host.Data;

/// <summary>
/// Reads the items of a file's top-level JSON array one at a time, with the line each starts on, holding only the
/// current item (and a read buffer) in memory, so a conversation file of any size streams in constant memory.
/// </summary>
internal sealed class JsonArrayStream : IDisposable
{
    /// <summary>One item of the array: its position, its first line and its parsed value (valid until the next item is read).</summary>
    public readonly record struct Item(int Index, int Line, JsonElement Value);

    private const int InitialBufferBytes = 1 << 16;

    private readonly Stream _stream;
    private readonly string _description;
    private byte[] _buffer = new byte[InitialBufferBytes];
    private int _filled;
    private int _consumed;
    private bool _final;
    private JsonReaderState _state;
    private bool _inArray;
    private bool _done;
    private int _index;
    private int _line = 1;
    private int _lineCountedTo;
    private JsonDocument? _current;

    /// <param name="stream">The JSON text, read from its current position.</param>
    /// <param name="description">How messages name the file, for example <c>LLaVA data file 'a.json'</c>.</param>
    public JsonArrayStream(Stream stream, string description)
    {
        _stream = stream;
        _description = description;
    }

    /// <summary>Every item, in order.</summary>
    /// <exception cref="InvalidDataException">The text is not JSON, or not an array (the message starts with the description).</exception>
    public IEnumerable<Item> Items()
    {
        while (TryReadNext(out var item)) yield return item;
    }

    /// <summary>Reads the next item; <c>false</c> after the closing bracket (and nothing but white space after it).</summary>
    public bool TryReadNext(out Item item)
    {
        _current?.Dispose();
        _current = null;
        item = default;
        if (_done) return false;
        if (_consumed == 0 && _filled == 0) SkipByteOrderMark();
        while (true)
        {
            var outcome = ReadToken(out int start, out int end);
            if (outcome == Outcome.NeedMore)
            {
                if (_final && !_inArray) throw OnlyWhiteSpace(_consumed) ? Invalid("it is empty") : NotAnArray();
                if (_final) throw Invalid("it ends inside a value", _filled);
                Refill();
                continue;
            }
            if (outcome == Outcome.End)
            {
                _done = true;
                return false;
            }
            CountLinesTo(start);
            _current = Parse(start, end);
            item = new Item(_index++, _line, _current.RootElement);
            return true;
        }
    }

    private enum Outcome { Item, NeedMore, End }

    /// <summary>Reads from the saved state up to the end of the next array item, or to the closing bracket.</summary>
    private Outcome ReadToken(out int start, out int end)
    {
        start = end = 0;
        int itemStart = -1;
        // Never a final block: at the end of the file an unfinished value then asks for more, which tells it apart.
        var reader = new Utf8JsonReader(_buffer.AsSpan(_consumed, _filled - _consumed), isFinalBlock: false, _state);
        try
        {
            if (!_inArray)
            {
                if (!reader.Read()) return Outcome.NeedMore;
                if (reader.TokenType != JsonTokenType.StartArray) throw NotAnArray();
                _inArray = true;
                Commit(ref reader);
            }
            if (!reader.Read()) return Outcome.NeedMore;
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                Commit(ref reader);
                return ReadToEnd();
            }
            start = itemStart = _consumed + (int)reader.TokenStartIndex;
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip()) return Outcome.NeedMore;
            end = _consumed + (int)reader.BytesConsumed;
            Commit(ref reader);
            return Outcome.Item;
        }
        catch (JsonException error)
        {
            throw Invalid(error, itemStart);
        }
    }

    /// <summary>After the closing bracket only white space may follow.</summary>
    private Outcome ReadToEnd()
    {
        while (true)
        {
            for (int at = _consumed; at < _filled; at++)
            {
                if (!IsWhiteSpace(_buffer[at])) throw Invalid("there is more text after the array", at);
            }
            if (_final) return Outcome.End;
            _consumed = _filled;
            Refill();
        }
    }

    private static bool IsWhiteSpace(byte value) => value is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    private bool OnlyWhiteSpace(int from)
    {
        for (int at = from; at < _filled; at++)
        {
            if (!IsWhiteSpace(_buffer[at])) return false;
        }
        return true;
    }

    private void Commit(ref Utf8JsonReader reader)
    {
        _consumed += (int)reader.BytesConsumed;
        _state = reader.CurrentState;
        reader = new Utf8JsonReader(_buffer.AsSpan(_consumed, _filled - _consumed), isFinalBlock: false, _state);
    }

    private JsonDocument Parse(int start, int end)
    {
        try
        {
            return JsonDocument.Parse(_buffer.AsMemory(start, end - start));
        }
        catch (JsonException error)
        {
            throw Invalid(error, start);
        }
    }

    /// <summary>Moves the unread bytes to the front (growing the buffer when they fill it) and reads more.</summary>
    private void Refill()
    {
        CountLinesTo(_consumed);
        int unread = _filled - _consumed;
        if (unread == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        Buffer.BlockCopy(_buffer, _consumed, _buffer, 0, unread);
        (_filled, _consumed, _lineCountedTo) = (unread, 0, 0);
        int read = _stream.Read(_buffer, _filled, _buffer.Length - _filled);
        _filled += read;
        if (read == 0) _final = true;
    }

    private void SkipByteOrderMark()
    {
        Refill();
        while (!_final && _filled < 3) Refill();
        if (_buffer.AsSpan(0, _filled).StartsWith("\uFEFF"u8)) _consumed = _lineCountedTo = 3;
    }

    private void CountLinesTo(int position)
    {
        if (position <= _lineCountedTo) return;
        _line += _buffer.AsSpan(_lineCountedTo, position - _lineCountedTo).Count((byte)'\n');
        _lineCountedTo = position;
    }

    /// <summary>
    /// The error for a <see cref="JsonException"/> in the item that starts at <paramref name="itemStart"/> (or, before
    /// any item, after the last value read): the line is the file's, and the reader's own position, counted from where
    /// it started rather than from the top of the file, is left out.
    /// </summary>
    private InvalidDataException Invalid(JsonException error, int itemStart)
    {
        CountLinesTo(itemStart >= 0 ? itemStart : _consumed);
        int line = _line;
        string reason = System.Text.RegularExpressions.Regex.Replace(error.Message, @"\s*(Path: \S*\s*\|\s*)?LineNumber: \d+ \| BytePositionInLine: \d+\.?$", "");
        return new InvalidDataException($"{_description} is not valid JSON (near line {line}): {reason}");
    }

    private InvalidDataException NotAnArray() => new($"{_description} must hold a JSON array of samples");

    /// <summary>The error for text that is not JSON; the line is that of <paramref name="position"/> (default: the last value read).</summary>
    private InvalidDataException Invalid(string reason, int position = -1)
    {
        CountLinesTo(position >= 0 ? position : _consumed);
        return new InvalidDataException($"{_description} is not valid JSON (near line {_line}): {reason}");
    }

    public void Dispose()
    {
        _current?.Dispose();
        _stream.Dispose();
    }
}
