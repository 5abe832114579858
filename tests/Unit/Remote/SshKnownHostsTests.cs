using System.Security.Cryptography;
using LibVirtPS.Drivers.Remote.Transports;
using LibVirtPS.Engine.Connections;
using Xunit;

namespace LibVirtPS.Tests.Remote;

/// <summary>Known-hosts files as OpenSSH writes them, and the host-key decisions built on them.</summary>
public class SshKnownHostsTests
{
    // An ed25519 public key, its fingerprint as ssh-keygen -l prints it, and hashed entries ssh-keygen -H wrote for it.
    private const string KeyText = "AAAAC3NzaC1lZDI1NTE5AAAAIBnpt+93J9Qb6v5+R/V11wOjlawvZbi1K6J0Z4Y8sKAP";
    private const string KeyFingerprint = "SHA256:AuP+yGFXSehmDGokxE5MSKCa12OW3eO5Tgue06wGj7M";
    private const string HashedLoopback2222 = "|1|UwoC0XRfUvlcqV9URA79TgwTpNQ=|pB5fg6Kkq6fp/+w3M+g6j2CfjxM=";
    private const string HashedKvm01 = "|1|VDKCv6eUpjGNwDOa/QR04pYsk0A=|qXThtxtdN6E8VxxJpY+sUp2cYoU=";
    private const string OtherKeyText = "AAAAC3NzaC1lZDI1NTE5AAAAIIh7NNz4Apr6JB+1a6IdBNBICKGA8c46h0e/aIhDdMBT";

    private static readonly byte[] Key = Convert.FromBase64String(KeyText);

    private static KnownHostMatch Check(string hostName, params string[] lines) => SshKnownHosts.Check(lines, hostName, Key);

    [Fact]
    public void KeyTypeAndFingerprintMatchOpenSsh()
    {
        Assert.Equal("ssh-ed25519", SshKnownHosts.KeyType(Key));
        Assert.Equal(KeyFingerprint, SshKnownHosts.Fingerprint(Key));
        Assert.Equal("", SshKnownHosts.KeyType(new byte[] { 0, 0, 0, 9, 1 }));
    }

    [Theory]
    [InlineData("kvm01", "kvm01 ssh-ed25519 " + KeyText)]
    [InlineData("kvm01", "web,KVM01,db ssh-ed25519 " + KeyText + " a comment")]
    [InlineData("kvm01.example.com", "*.example.com ssh-ed25519 " + KeyText)]
    [InlineData("kvm01", "kvm0? ssh-ed25519 " + KeyText)]
    [InlineData("[127.0.0.1]:2222", "[127.0.0.1]:2222 ssh-ed25519 " + KeyText)]
    [InlineData("[127.0.0.1]:2222", HashedLoopback2222 + " ssh-ed25519 " + KeyText)]
    [InlineData("kvm01.example.com", HashedKvm01 + " ssh-ed25519 " + KeyText)]
    public void ListedKeysAreKnown(string hostName, string line)
    {
        var match = Check(hostName, "# a comment", "", line);
        Assert.Equal(KnownHostStatus.Known, match.Status);
        Assert.Equal(3, match.Line);
    }

    [Theory]
    [InlineData("kvm02", "kvm01 ssh-ed25519 " + KeyText)]
    [InlineData("127.0.0.1", "[127.0.0.1]:2222 ssh-ed25519 " + KeyText)]
    [InlineData("[127.0.0.1]:2223", HashedLoopback2222 + " ssh-ed25519 " + KeyText)]
    [InlineData("bad.example.com", "*.example.com,!bad.example.com ssh-ed25519 " + KeyText)]
    [InlineData("kvm01", "@cert-authority kvm01 ssh-ed25519 " + KeyText)]
    [InlineData("kvm01", "kvm01 ssh-ed25519 not-base64!")]
    [InlineData("kvm01", "kvm01 ssh-ed25519")]
    public void OtherHostsAndUnusableLinesLeaveTheKeyUnknown(string hostName, string line) =>
        Assert.Equal(KnownHostStatus.Unknown, Check(hostName, line).Status);

    [Fact]
    public void ADifferentKeyOfTheSameTypeIsAChange()
    {
        var match = Check("kvm01", "kvm01 ecdsa-sha2-nistp256 AAAAE2VjZHNh", "kvm01 ssh-ed25519 " + OtherKeyText);
        Assert.Equal(KnownHostStatus.Changed, match.Status);
        Assert.Equal(2, match.Line);
    }

    [Fact]
    public void OnlyOtherKeyTypesListedIsUnknownAndSaysWhichTypes()
    {
        var match = Check("kvm01", "kvm01 ssh-rsa AAAAB3NzaC1yc2E=", "kvm01 ecdsa-sha2-nistp256 AAAAE2VjZHNh");
        Assert.Equal(KnownHostStatus.Unknown, match.Status);
        Assert.Equal(new[] { "ssh-rsa", "ecdsa-sha2-nistp256" }, match.OtherKeyTypes);
    }

    [Fact]
    public void TheListedKeyWinsOverAnOlderLineAndRevocationWinsOverAll()
    {
        Assert.Equal(KnownHostStatus.Known, Check("kvm01", "kvm01 ssh-ed25519 " + OtherKeyText, "kvm01 ssh-ed25519 " + KeyText).Status);
        var revoked = Check("kvm01", "kvm01 ssh-ed25519 " + KeyText, "@revoked * ssh-ed25519 " + KeyText);
        Assert.Equal(KnownHostStatus.Revoked, revoked.Status);
        Assert.Equal(2, revoked.Line);
    }

    [Fact]
    public void TheKeyTypesKnownForAHostComeFirstInTheOffer()
    {
        var lines = new[]
        {
            "[h]:2200 ssh-rsa AAAAB3NzaC1yc2E=",
            "other ssh-ed25519 " + KeyText,
            "@revoked [h]:2200 ecdsa-sha2-nistp256 AAAAE2VjZHNh",
            HashedLoopback2222 + " ecdsa-sha2-nistp384 AAAAE2VjZHNh",
        };
        Assert.Equal(new[] { "ssh-rsa" }, SshKnownHosts.KeyTypesFor(lines, "[h]:2200"));
        Assert.Equal(new[] { "ecdsa-sha2-nistp384" }, SshKnownHosts.KeyTypesFor(lines, "[127.0.0.1]:2222"));

        var offer = new[] { "ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa" };
        Assert.Equal(new[] { "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256" },
            SshKnownHosts.PreferKnownTypes(offer, new[] { "ssh-rsa" }));
        Assert.Equal(offer, SshKnownHosts.PreferKnownTypes(offer, Array.Empty<string>()));
    }

    [Fact]
    public void HashingMatchesTheWayOpenSshHashes()
    {
        var salt = RandomNumberGenerator.GetBytes(20);
        var entry = SshKnownHosts.Hash("[h]:2200", salt);
        Assert.True(SshKnownHosts.MatchesHashed(entry, "[h]:2200"));
        Assert.False(SshKnownHosts.MatchesHashed(entry, "h"));
        Assert.True(SshKnownHosts.MatchesHashed(HashedKvm01, "kvm01.example.com"));
        Assert.False(SshKnownHosts.MatchesHashed("|1|###|###", "kvm01.example.com"));
    }

    [Fact]
    public void NormalRefusesAnUnknownKeyNamingItsFingerprint()
    {
        using var folder = new TempFolder();
        var verifier = Verifier(folder, "");
        Assert.False(verifier.Verify(Key));
        Assert.Contains(KeyFingerprint, verifier.Refusal);
        Assert.Contains("not known", verifier.Refusal);
        Assert.Contains("known_hosts_verify=auto", verifier.Refusal);
        Assert.False(File.Exists(Path.Combine(folder.Path, ".ssh", "known_hosts")));
    }

    [Fact]
    public void NormalRefusesAChangedKeyLoudly()
    {
        using var folder = new TempFolder();
        var file = folder.Write("known_hosts", $"[h]:2200 ssh-ed25519 {OtherKeyText}\n");
        var verifier = Verifier(folder, $"&known_hosts={file}");
        Assert.False(verifier.Verify(Key));
        Assert.Contains("CHANGED", verifier.Refusal);
        Assert.Contains(KeyFingerprint, verifier.Refusal);
        Assert.Contains($"{file} line 1", verifier.Refusal);
    }

    [Fact]
    public void AutoAddsAnUnknownKeyToANewPrivateFileAndThenKnowsIt()
    {
        using var folder = new TempFolder();
        var verifier = Verifier(folder, "&known_hosts_verify=auto");
        Assert.True(verifier.Verify(Key));
        Assert.True(verifier.Added);
        var file = Path.Combine(folder.Path, ".ssh", "known_hosts");
        Assert.Equal($"[h]:2200 ssh-ed25519 {KeyText}\n", File.ReadAllText(file));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                File.GetUnixFileMode(Path.Combine(folder.Path, ".ssh")));
        }

        var normal = Verifier(folder, "");
        Assert.True(normal.Verify(Key));
        Assert.False(normal.Added);
    }

    [Fact]
    public void AutoAppendsOnANewLineAndStillRefusesAChangedKey()
    {
        using var folder = new TempFolder();
        var file = folder.Write("kh", "other ssh-ed25519 " + OtherKeyText);
        Assert.True(Verifier(folder, $"&known_hosts={file}&known_hosts_verify=auto").Verify(Key));
        Assert.Equal(new[] { "other ssh-ed25519 " + OtherKeyText, $"[h]:2200 ssh-ed25519 {KeyText}" }, File.ReadAllLines(file));

        File.WriteAllText(file, $"[h]:2200 ssh-ed25519 {OtherKeyText}\n");
        var changed = Verifier(folder, $"&known_hosts={file}&known_hosts_verify=auto");
        Assert.False(changed.Verify(Key));
        Assert.Contains("CHANGED", changed.Refusal);
    }

    [Theory]
    [InlineData("&known_hosts_verify=ignore")]
    [InlineData("&no_verify=1")]
    public void IgnoreTrustsAnyKey(string query)
    {
        using var folder = new TempFolder();
        var file = folder.Write("kh", $"[h]:2200 ssh-ed25519 {OtherKeyText}\n");
        var verifier = Verifier(folder, $"&known_hosts={file}{query}");
        Assert.True(verifier.Verify(Key));
        Assert.Null(verifier.Refusal);
    }

    private static SshHostKeyVerifier Verifier(TempFolder home, string query) =>
        new(SshSettings.From(LibvirtUri.Parse($"qemu+ssh://root@h:2200/system?x=1{query}"), new ConnectOptions(),
            new SshEnvironment(home.Path, "root")));

    /// <summary>A uniquely named temporary folder, removed with everything in it.</summary>
    internal sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("libvirtps-ssh-").FullName;

        public string Write(string name, string text)
        {
            var path = System.IO.Path.Combine(Path, name);
            File.WriteAllText(path, text);
            return path;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
