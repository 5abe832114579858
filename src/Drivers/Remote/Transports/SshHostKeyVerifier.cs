namespace LibVirtPS.Drivers.Remote.Transports;

/// <summary>
/// Decides whether to trust the host key a server offers, by the known-hosts file and the check the user chose,
/// and keeps the reason of a refusal so that the connection error can name the key's fingerprint.
/// </summary>
public sealed class SshHostKeyVerifier
{
    private readonly SshSettings _settings;

    public SshHostKeyVerifier(SshSettings settings) => _settings = settings;

    /// <summary>Why the last offered key was refused, or null when it was trusted (or none was offered yet).</summary>
    public string? Refusal { get; private set; }

    /// <summary>True when the last offered key was unknown and has been added to the known-hosts file.</summary>
    public bool Added { get; private set; }

    public bool Verify(byte[] keyBlob)
    {
        Refusal = null;
        if (_settings.HostKeyCheck == SshHostKeyCheck.Ignore)
        {
            return true;
        }

        var name = _settings.KnownHostsName;
        var file = _settings.KnownHostsPath;
        var keyType = SshKnownHosts.KeyType(keyBlob);
        var fingerprint = SshKnownHosts.Fingerprint(keyBlob);
        var match = SshKnownHosts.CheckFile(file, name, keyBlob);
        switch (match.Status)
        {
            case KnownHostStatus.Known:
                return true;
            case KnownHostStatus.Revoked:
                Refusal = $"The {keyType} host key of {name} ({fingerprint}) is marked @revoked in {file} line {match.Line}; refusing to connect.";
                return false;
            case KnownHostStatus.Changed:
                Refusal = $"The {keyType} host key of {name} has CHANGED: the server offers {fingerprint}, but {file} line {match.Line} "
                    + "holds a different key. Someone may be intercepting the connection. If the host was reinstalled, check the new "
                    + $"fingerprint out of band and remove the old entry (ssh-keygen -R \"{name}\" -f \"{file}\").";
                return false;
            case KnownHostStatus.Unknown when _settings.HostKeyCheck == SshHostKeyCheck.Auto && file is not null:
                SshKnownHosts.Append(file, name, keyBlob);
                Added = true;
                return true;
            default:
                var others = match.OtherKeyTypes is { Count: > 0 } types ? $" (it lists only {string.Join(", ", types)} keys for this host)" : "";
                var where = file is null ? "no known-hosts file (no home folder)" : $"{file}{others}";
                Refusal = $"The {keyType} host key of {name} is not known: {fingerprint} is not in {where}. Check the fingerprint "
                    + "with the host's administrator, then connect once with known_hosts_verify=auto in the URI to add it "
                    + "(or skip the check with known_hosts_verify=ignore).";
                return false;
        }
    }
}
