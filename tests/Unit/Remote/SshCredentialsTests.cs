using System.Security;
using System.Security.Cryptography;
using LibVirtPS.Drivers.Remote.Transports;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Errors;
using Renci.SshNet;
using Xunit;

namespace LibVirtPS.Tests.Remote;

/// <summary>Which SSH authentication methods a connection offers, from the options and the user's keys.</summary>
public class SshCredentialsTests
{
    private const string Passphrase = "correct horse";

    private static SshCredentials Create(SshKnownHostsTests.TempFolder home, string query = "", ConnectOptions? options = null)
    {
        options ??= new ConnectOptions();
        var environment = new SshEnvironment(home.Path, "alice");
        var settings = SshSettings.From(LibvirtUri.Parse($"qemu+ssh://h/system?x=1{query}"), options, environment);
        return SshCredentials.Create(settings, options, environment);
    }

    private static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text)
        {
            secure.AppendChar(c);
        }

        return secure;
    }

    private static string WriteKey(SshKnownHostsTests.TempFolder home, string name, string pem)
    {
        Directory.CreateDirectory(Path.Combine(home.Path, ".ssh"));
        var path = Path.Combine(home.Path, ".ssh", name);
        File.WriteAllText(path, pem);
        return path;
    }

    private static string RsaPem() => RSA.Create(2048).ExportRSAPrivateKeyPem();

    private static string EncryptedPem() => ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportEncryptedPkcs8PrivateKeyPem(
        Passphrase, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10000));

    [Fact]
    public void WithNothingToOfferTheErrorSaysWhatToGive()
    {
        using var home = new SshKnownHostsTests.TempFolder();
        var ex = Assert.Throws<LibVirtException>(() => Create(home));
        Assert.Equal(ErrorCode.AuthFailed, ex.Code);
        Assert.Contains("-Credential", ex.Message);
        Assert.Contains("id_ed25519", ex.Message);
    }

    [Fact]
    public void TheDefaultKeysAreOfferedAndUnreadableOnesPassedOver()
    {
        using var home = new SshKnownHostsTests.TempFolder();
        var rsa = WriteKey(home, "id_rsa", RsaPem());
        WriteKey(home, "id_ecdsa", "not a key");
        using var credentials = Create(home);
        Assert.Equal(new[] { rsa }, credentials.KeyFiles);
        Assert.IsType<PrivateKeyAuthenticationMethod>(Assert.Single(credentials.Methods));
    }

    [Fact]
    public void APasswordAddsPasswordAndKeyboardInteractiveAfterTheKeys()
    {
        using var home = new SshKnownHostsTests.TempFolder();
        WriteKey(home, "id_rsa", RsaPem());
        using var credentials = Create(home, options: new ConnectOptions { Password = Secure("pw") });
        Assert.Collection(credentials.Methods,
            m => Assert.IsType<PrivateKeyAuthenticationMethod>(m),
            m => Assert.IsType<PasswordAuthenticationMethod>(m),
            m => Assert.IsType<KeyboardInteractiveAuthenticationMethod>(m));
    }

    [Fact]
    public void SshAuthLimitsAndOrdersTheMethods()
    {
        using var home = new SshKnownHostsTests.TempFolder();
        WriteKey(home, "id_rsa", RsaPem());
        using var credentials = Create(home, "&sshauth=password,privkey", new ConnectOptions { Password = Secure("pw") });
        Assert.Collection(credentials.Methods,
            m => Assert.IsType<PasswordAuthenticationMethod>(m),
            m => Assert.IsType<PrivateKeyAuthenticationMethod>(m));
        var agentOnly = Assert.Throws<LibVirtException>(() => Create(home, "&sshauth=agent"));
        Assert.Equal(ErrorCode.NoSupport, agentOnly.Code);
    }

    [Fact]
    public void AnExplicitKeyIsTheOnlyKeyOffered()
    {
        using var home = new SshKnownHostsTests.TempFolder();
        WriteKey(home, "id_rsa", RsaPem());
        var mine = WriteKey(home, "mine", RsaPem());
        using var credentials = Create(home, options: new ConnectOptions { KeyFilePath = mine });
        Assert.Equal(new[] { mine }, credentials.KeyFiles);
    }

    [Fact]
    public void AnEncryptedKeyOpensWithItsPassphraseOnly()
    {
        using var home = new SshKnownHostsTests.TempFolder();
        var key = WriteKey(home, "enc", EncryptedPem());
        using (var credentials = Create(home, options: new ConnectOptions { KeyFilePath = key, KeyPassphrase = Secure(Passphrase) }))
        {
            Assert.Equal(new[] { key }, credentials.KeyFiles);
        }

        var noPassphrase = Assert.Throws<LibVirtException>(() => Create(home, options: new ConnectOptions { KeyFilePath = key }));
        Assert.Contains("encrypted", noPassphrase.Message);
        var wrong = Assert.Throws<LibVirtException>(() => Create(home, options: new ConnectOptions { KeyFilePath = key, KeyPassphrase = Secure("wrong") }));
        Assert.Equal(ErrorCode.AuthFailed, wrong.Code);
        Assert.DoesNotContain("wrong", wrong.Message.Replace("a wrong passphrase", "", StringComparison.Ordinal));
    }

    [Fact]
    public void AMissingExplicitKeyIsAnError()
    {
        using var home = new SshKnownHostsTests.TempFolder();
        var ex = Assert.Throws<LibVirtException>(() => Create(home, "&keyfile=" + Path.Combine(home.Path, "absent")));
        Assert.Equal(ErrorCode.AuthFailed, ex.Code);
        Assert.Contains("does not exist", ex.Message);
    }
}
