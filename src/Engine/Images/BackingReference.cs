using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LibVirtPS.Engine.Images;

/// <summary>What a backing reference names: a local file to follow, a network source to show only, or nonsense.</summary>
public enum ReferenceKind
{
    File,
    Network,
    Invalid,
}

/// <summary>
/// A backing reference read literally, with qemu's rule that a first ':' before any '/' starts a protocol. A json:
/// reference whose driver is file or host_device (possibly under a format driver) is a local file; network
/// protocols are recognised and never connected to; any other protocol (foo:, C:) is invalid.
/// </summary>
public sealed record BackingReference(ReferenceKind Kind, byte[]? FileName, string? Format, string? Protocol, string? Problem)
{
    /// <summary>True when the file name came out of a json: reference (it is used as written, not joined to the overlay).</summary>
    public bool FromJson { get; init; }

    private static readonly HashSet<string> NetworkProtocols = new(StringComparer.Ordinal)
    {
        "nbd", "rbd", "gluster", "iscsi", "http", "https", "ftp", "ftps", "tftp", "ssh", "nfs", "sheepdog", "vxhs", "fat", "nvme",
    };

    private static readonly HashSet<string> FileDrivers = new(StringComparer.Ordinal) { "file", "host_device", "host_cdrom" };

    /// <summary>A reference that is a file name whatever it contains (VHD and VHDX locators are Windows paths).</summary>
    public static BackingReference LocalFile(ReadOnlySpan<byte> reference) => new(ReferenceKind.File, reference.ToArray(), null, null, null);

    public static BackingReference Parse(ReadOnlySpan<byte> reference)
    {
        var colon = reference.IndexOf((byte)':');
        var slash = reference.IndexOf((byte)'/');
        if (colon < 0 || (slash >= 0 && slash < colon))
        {
            return new BackingReference(ReferenceKind.File, reference.ToArray(), null, null, null);
        }

        var protocol = Encoding.Latin1.GetString(reference[..colon]);
        if (protocol == "json")
        {
            return ParseJson(Encoding.UTF8.GetString(reference[(colon + 1)..]));
        }

        var scheme = protocol.Split('+')[0].ToLowerInvariant();
        return NetworkProtocols.Contains(scheme)
            ? new BackingReference(ReferenceKind.Network, null, null, scheme, null) { Hosts = NetworkHosts(Encoding.UTF8.GetString(reference)) }
            : Invalid($"Unknown protocol '{protocol}'");
    }

    /// <summary>The hosts a network reference names, for display: host[:port], or unix:socket.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = Array.Empty<string>();

    private static IReadOnlyList<string> NetworkHosts(string text)
    {
        if (text.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            var socket = uri.Query.TrimStart('?').Split('&').FirstOrDefault(p => p.StartsWith("socket=", StringComparison.Ordinal));
            if (socket is not null)
            {
                return new[] { "unix:" + Uri.UnescapeDataString(socket["socket=".Length..]) };
            }

            return uri.Host.Length == 0 ? Array.Empty<string>() : new[] { uri.IsDefaultPort || uri.Port < 0 ? uri.Host : $"{uri.Host}:{uri.Port}" };
        }

        // nbd:unix:/socket[:exportname=x] and nbd:host:port[:exportname=x]
        var parts = text.Split(':');
        if (parts.Length >= 3 && parts[0] == "nbd")
        {
            return parts[1] == "unix" ? new[] { "unix:" + parts[2] } : new[] { $"{parts[1]}:{parts[2]}" };
        }

        return Array.Empty<string>();
    }

    private static BackingReference Invalid(string problem) => new(ReferenceKind.Invalid, null, null, null, problem);

    private static BackingReference ParseJson(string text)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 16 }) as JsonObject;
        }
        catch (JsonException e)
        {
            return Invalid($"The json: reference is not valid JSON: {e.Message}");
        }

        if (root is null)
        {
            return Invalid("The json: reference is not a JSON object");
        }

        var node = Expand(root);
        if (node["driver"] is null && node["file"] is JsonObject wrapped)
        {
            node = wrapped;
        }

        var driver = Text(node["driver"]);
        string? format = null;
        if (driver is not null && ImageFormats.Find(driver) is not null)
        {
            format = driver;
            switch (node["file"])
            {
                case JsonValue plain when Text(plain) is string name:
                    return new BackingReference(ReferenceKind.File, Encoding.UTF8.GetBytes(name), format, null, null) { FromJson = true };
                case JsonObject inner:
                    node = inner;
                    driver = Text(node["driver"]);
                    break;
                default:
                    return Invalid($"The json: reference's {format} driver names no file");
            }

            if (driver is not null && ImageFormats.Find(driver) is not null)
            {
                return Invalid("The json: reference nests one format driver inside another");
            }
        }

        if (driver is not null && FileDrivers.Contains(driver))
        {
            return Text(node["filename"]) is string file
                ? new BackingReference(ReferenceKind.File, Encoding.UTF8.GetBytes(file), format, null, null) { FromJson = true }
                : Invalid($"The json: reference's {driver} driver has no filename");
        }

        if (driver is not null && NetworkProtocols.Contains(driver))
        {
            return new BackingReference(ReferenceKind.Network, null, format, driver, null);
        }

        return Invalid(driver is null ? "The json: reference names no driver" : $"Unknown driver '{driver}' in the json: reference");
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Turns dotted keys ("file.driver") into nested objects, as qemu reads them.</summary>
    private static JsonObject Expand(JsonObject source)
    {
        var result = new JsonObject();
        foreach (var (key, value) in source)
        {
            var parts = key.Split('.');
            var target = result;
            for (var i = 0; i < parts.Length - 1; i++)
            {
                if (target[parts[i]] is not JsonObject child)
                {
                    child = new JsonObject();
                    target[parts[i]] = child;
                }

                target = child;
            }

            target[parts[^1]] = value is JsonObject nested ? Expand(nested) : value?.DeepClone();
        }

        return result;
    }
}
