namespace LibVirtPS.Engine.Xml;

/// <summary>
/// The one string table of an XML enum: every value of <typeparamref name="T"/> has exactly one XML name. The
/// constructor refuses an incomplete or ambiguous table, so a new enum member without a name fails at the first
/// use of the map (and in the map's round-trip test), not when some document happens to use it.
/// </summary>
public sealed class EnumMap<T>
    where T : struct, Enum
{
    private readonly Dictionary<T, string> _names = new();
    private readonly Dictionary<string, T> _values = new(StringComparer.Ordinal);

    public EnumMap(params (T Value, string Name)[] entries)
    {
        foreach (var (value, name) in entries)
        {
            if (!_names.TryAdd(value, name) || !_values.TryAdd(name, value))
            {
                throw new InvalidOperationException($"{typeof(T).Name}: '{value}' or '{name}' appears twice in its string table");
            }
        }

        var missing = Enum.GetValues<T>().Where(v => !_names.ContainsKey(v)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"{typeof(T).Name}: no XML name for {string.Join(", ", missing)}");
        }
    }

    /// <summary>The XML names in declaration order of the table.</summary>
    public IReadOnlyCollection<string> Names => _values.Keys;

    public string ToName(T value) =>
        _names.TryGetValue(value, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(value), value, null);

    public bool TryParse(string? name, out T value)
    {
        if (name is not null && _values.TryGetValue(name, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    public bool IsDefined(string? name) => name is not null && _values.ContainsKey(name);
}
