using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace LibVirtPS.Drivers.Remote.Transports;

/// <summary>What a known-hosts file says about one host key.</summary>
public enum KnownHostStatus
{
    /// <summary>The host is listed with exactly this key.</summary>
    Known,

    /// <summary>The host is not listed with a key of this type.</summary>
    Unknown,

    /// <summary>The host is listed with a different key of the same type: a changed key, possibly an attack.</summary>
    Changed,

    /// <summary>The key is marked @revoked.</summary>
    Revoked,
}

/// <summary>The verdict on a host key, with the file line that decided it (1-based, 0 when none did).</summary>
public sealed record KnownHostMatch(KnownHostStatus Status, int Line = 0, IReadOnlyList<string>? OtherKeyTypes = null);

/// <summary>
/// Reads and appends OpenSSH known-hosts files: plain host patterns (comma lists, * and ? wildcards, ! negation,
/// "[host]:port" for ports other than 22), hashed entries "|1|salt|hmac" (HMAC-SHA1 of the host name keyed with the
/// salt), the @revoked marker, and any key type. @cert-authority lines are skipped: certificates are not supported.
/// </summary>
public static class SshKnownHosts
{
    private const string HashPrefix = "|1|";

    /// <summary>The name known-hosts files use for a host: the plain name on port 22, "[host]:port" otherwise.</summary>
    public static string HostName(string host, int port) => port == SshSettings.DefaultPort ? host : $"[{host}]:{port}";

    /// <summary>The key type inside an SSH public key blob (its first string, e.g. "ssh-ed25519").</summary>
    public static string KeyType(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < 4)
        {
            return "";
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(blob);
        return length <= blob.Length - 4 ? Encoding.ASCII.GetString(blob.Slice(4, (int)length)) : "";
    }

    /// <summary>OpenSSH's fingerprint of a key blob: "SHA256:" and the unpadded base64 of its SHA-256 hash.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> blob) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');

    public static KnownHostMatch Check(IEnumerable<string> lines, string hostName, ReadOnlySpan<byte> keyBlob)
    {
        var keyType = KeyType(keyBlob);
        var offered = keyBlob.ToArray();
        var changedLine = 0;
        var knownLine = 0;
        var otherTypes = new List<string>();
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            if (!TryParse(raw, out var entry) || entry.Marker == "@cert-authority" || !MatchesHost(entry.Hosts, hostName))
            {
                continue;
            }

            var sameKey = entry.Key.AsSpan().SequenceEqual(offered);
            if (entry.Marker == "@revoked")
            {
                if (sameKey)
                {
                    return new KnownHostMatch(KnownHostStatus.Revoked, number);
                }

                continue;
            }

            if (sameKey)
            {
                knownLine = knownLine == 0 ? number : knownLine;
            }
            else if (entry.KeyType == keyType)
            {
                changedLine = changedLine == 0 ? number : changedLine;
            }
            else if (!otherTypes.Contains(entry.KeyType))
            {
                otherTypes.Add(entry.KeyType);
            }
        }

        // A key listed anywhere for the host is trusted, as OpenSSH does, even when another line has an older key.
        if (knownLine > 0)
        {
            return new KnownHostMatch(KnownHostStatus.Known, knownLine);
        }

        return changedLine > 0
            ? new KnownHostMatch(KnownHostStatus.Changed, changedLine)
            : new KnownHostMatch(KnownHostStatus.Unknown, 0, otherTypes);
    }

    /// <summary>The key types listed for a host, in file order (revoked and certificate-authority lines left out).</summary>
    public static IReadOnlyList<string> KeyTypesFor(IEnumerable<string> lines, string hostName)
    {
        var types = new List<string>();
        foreach (var line in lines)
        {
            if (TryParse(line, out var entry) && entry.Marker is null && MatchesHost(entry.Hosts, hostName) && !types.Contains(entry.KeyType))
            {
                types.Add(entry.KeyType);
            }
        }

        return types;
    }

    /// <summary>
    /// The host key algorithms in the order to offer them: those that produce a key type already listed for the host
    /// first (in file order), then the rest as they were. Like OpenSSH, this lets a server with several host keys
    /// show the one the user knows, rather than one that would look unknown.
    /// </summary>
    public static IReadOnlyList<string> PreferKnownTypes(IReadOnlyList<string> algorithms, IReadOnlyList<string> knownTypes)
    {
        var preferred = knownTypes
            .SelectMany(type => algorithms.Where(algorithm => ProducesKeyType(algorithm, type)))
            .Distinct()
            .ToList();
        return preferred.Concat(algorithms.Where(algorithm => !preferred.Contains(algorithm))).ToList();
    }

    /// <summary>RSA keys sign with rsa-sha2-512 and rsa-sha2-256 as well as ssh-rsa; every other algorithm is its key type.</summary>
    private static bool ProducesKeyType(string algorithm, string keyType) =>
        algorithm == keyType || (keyType == "ssh-rsa" && algorithm is "rsa-sha2-512" or "rsa-sha2-256");

    /// <summary>Reads a known-hosts file; a missing file lists nothing.</summary>
    public static KnownHostMatch CheckFile(string? path, string hostName, ReadOnlySpan<byte> keyBlob)
    {
        var lines = path is not null && File.Exists(path) ? File.ReadAllLines(path) : Array.Empty<string>();
        return Check(lines, hostName, keyBlob);
    }

    /// <summary>The line that records a host key: "name type base64".</summary>
    public static string FormatLine(string hostName, ReadOnlySpan<byte> keyBlob) =>
        $"{hostName} {KeyType(keyBlob)} {Convert.ToBase64String(keyBlob)}";

    /// <summary>Appends a host key, creating the folder (0700) and the file (0600) when missing.</summary>
    public static void Append(string path, string hostName, ReadOnlySpan<byte> keyBlob)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        var line = FormatLine(hostName, keyBlob);
        var existing = File.Exists(path) ? File.ReadAllText(path) : null;
        var separator = existing is { Length: > 0 } && !existing.EndsWith('\n') ? "\n" : "";
        if (existing is null && !OperatingSystem.IsWindows())
        {
            using var created = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            created.Write(Encoding.UTF8.GetBytes(line + "\n"));
            return;
        }

        File.AppendAllText(path, separator + line + "\n");
    }

    /// <summary>True when a hashed entry "|1|salt|hmac" names this host.</summary>
    public static bool MatchesHashed(string entry, string hostName)
    {
        var parts = entry[HashPrefix.Length..].Split('|');
        if (parts.Length != 2)
        {
            return false;
        }

        try
        {
            var salt = Convert.FromBase64String(parts[0]);
            var expected = Convert.FromBase64String(parts[1]);
            var actual = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(hostName));
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Hashes a host name the way hashed entries store it, with the given salt (20 random bytes in OpenSSH).</summary>
    public static string Hash(string hostName, byte[] salt) =>
        HashPrefix + Convert.ToBase64String(salt) + "|" + Convert.ToBase64String(HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(hostName)));

    /// <summary>
    /// OpenSSH's pattern list rule: the host matches when some pattern matches and no negated pattern does. Names
    /// are compared without regard to case.
    /// </summary>
    private static bool MatchesHost(string hosts, string hostName)
    {
        if (hosts.StartsWith(HashPrefix, StringComparison.Ordinal))
        {
            return MatchesHashed(hosts, hostName);
        }

        var matched = false;
        foreach (var pattern in hosts.Split(','))
        {
            var negated = pattern.StartsWith('!');
            var body = negated ? pattern[1..] : pattern;
            if (!Wildcard(body, hostName))
            {
                continue;
            }

            if (negated)
            {
                return false;
            }

            matched = true;
        }

        return matched;
    }

    /// <summary>Matches * (any run) and ? (one character), case-insensitively.</summary>
    private static bool Wildcard(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool TryParse(string line, out Entry entry)
    {
        entry = default;
        var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0 || fields[0].StartsWith('#'))
        {
            return false;
        }

        string? marker = null;
        if (fields[0].StartsWith('@'))
        {
            marker = fields[0];
            fields = fields[1..];
        }

        if (fields.Length < 3)
        {
            return false;
        }

        try
        {
            entry = new Entry(marker, fields[0], fields[1], Convert.FromBase64String(fields[2]));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private readonly record struct Entry(string? Marker, string Hosts, string KeyType, byte[] Key);
}
