using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Errors;
using Xunit;

namespace LibVirtPS.Tests.Connections;

/// <summary>
/// The URI table: every scheme and transport form libvirt accepts, what each part parses to, which transport is
/// used and the name sent to the daemon in CONNECT_OPEN.
/// </summary>
public sealed class LibvirtUriTests
{
    private static readonly string[] None = Array.Empty<string>();

    // Columns: uri, driver, transport, user, host, port, path, query ("key=value"), effective transport, remote name.
    public static TheoryData<string, string, string?, string?, string?, int?, string, string[], string, string> Valid => new()
    {
        // Local drivers over the default unix socket.
        { "qemu:///system", "qemu", null, null, null, null, "/system", None, "unix", "qemu:///system" },
        { "qemu:///session", "qemu", null, null, null, null, "/session", None, "unix", "qemu:///session" },
        { "qemu+unix:///system?socket=/run/x/sock", "qemu", "unix", null, null, null, "/system", new[] { "socket=/run/x/sock" }, "unix", "qemu:///system" },
        { "qemu+unix:///system?mode=legacy", "qemu", "unix", null, null, null, "/system", new[] { "mode=legacy" }, "unix", "qemu:///system" },
        { "qemu+UNIX:///system", "qemu", "unix", null, null, null, "/system", None, "unix", "qemu:///system" },
        { "lxc:///", "lxc", null, null, null, null, "/", None, "unix", "lxc:///" },
        { "lxc:///system", "lxc", null, null, null, null, "/system", None, "unix", "lxc:///system" },
        { "xen:///system", "xen", null, null, null, null, "/system", None, "unix", "xen:///system" },
        { "vbox:///session", "vbox", null, null, null, null, "/session", None, "unix", "vbox:///session" },
        { "bhyve:///system", "bhyve", null, null, null, null, "/system", None, "unix", "bhyve:///system" },
        { "ch:///system", "ch", null, null, null, null, "/system", None, "unix", "ch:///system" },

        // SSH in its three flavours.
        {
            "qemu+ssh://alice@host.example:2222/system?keyfile=/home/alice/.ssh/id_ed25519&known_hosts_verify=ignore&no_verify=1",
            "qemu", "ssh", "alice", "host.example", 2222, "/system",
            new[] { "keyfile=/home/alice/.ssh/id_ed25519", "known_hosts_verify=ignore", "no_verify=1" }, "ssh", "qemu:///system"
        },
        { "qemu+libssh2://root@kvm1/system?sshauth=agent,privkey", "qemu", "libssh2", "root", "kvm1", null, "/system", new[] { "sshauth=agent,privkey" }, "libssh2", "qemu:///system" },
        { "qemu+libssh://root@kvm1/system?known_hosts=/tmp/kh", "qemu", "libssh", "root", "kvm1", null, "/system", new[] { "known_hosts=/tmp/kh" }, "libssh", "qemu:///system" },
        { "xen+ssh://root@host/system", "xen", "ssh", "root", "host", null, "/system", None, "ssh", "xen:///system" },
        { "qemu+ssh://alice@host/system?command=x&foo=bar", "qemu", "ssh", "alice", "host", null, "/system", new[] { "command=x", "foo=bar" }, "ssh", "qemu:///system?foo=bar" },
        { "qemu+ssh://host/system?proxy=netcat&netcat=/bin/nc&no_tty=1", "qemu", "ssh", null, "host", null, "/system", new[] { "proxy=netcat", "netcat=/bin/nc", "no_tty=1" }, "ssh", "qemu:///system" },

        // TLS and TCP; a host without a transport means TLS.
        { "qemu+tls://host/system?pkipath=/etc/pki/alt", "qemu", "tls", null, "host", null, "/system", new[] { "pkipath=/etc/pki/alt" }, "tls", "qemu:///system" },
        { "qemu+tcp://host:16509/system", "qemu", "tcp", null, "host", 16509, "/system", None, "tcp", "qemu:///system" },
        { "qemu://host/system", "qemu", null, null, "host", null, "/system", None, "tls", "qemu:///system" },
        { "qemu+tls://host/system?tls_priority=NORMAL&no_sanity=1&auth=sasl.scram-sha-256&authfile=/a", "qemu", "tls", null, "host", null, "/system", new[] { "tls_priority=NORMAL", "no_sanity=1", "auth=sasl.scram-sha-256", "authfile=/a" }, "tls", "qemu:///system" },

        // External command.
        { "qemu+ext:///system?command=/usr/bin/tunnel", "qemu", "ext", null, null, null, "/system", new[] { "command=/usr/bin/tunnel" }, "ext", "qemu:///system" },

        // The test driver, embedded or through a daemon.
        { "test:///default", "test", null, null, null, null, "/default", None, "unix", "test:///default" },
        { "test:///tmp/nodes/one-host.xml", "test", null, null, null, null, "/tmp/nodes/one-host.xml", None, "unix", "test:///tmp/nodes/one-host.xml" },
        { "test+unix:///default", "test", "unix", null, null, null, "/default", None, "unix", "test:///default" },
        { "test+tcp://localhost/default", "test", "tcp", null, "localhost", null, "/default", None, "tcp", "test:///default" },

        // Drivers libvirt serves in the client: the remote rules still give the name they would send.
        { "esx://esx1.example/?no_verify=1", "esx", null, null, "esx1.example", null, "/", new[] { "no_verify=1" }, "tls", "esx:///" },
        { "hyperv://hv1/?transport=http", "hyperv", null, null, "hv1", null, "/", new[] { "transport=http" }, "tls", "hyperv:///?transport=http" },

        // IPv6 hosts lose their brackets.
        { "qemu+tcp://[::1]/system", "qemu", "tcp", null, "::1", null, "/system", None, "tcp", "qemu:///system" },
        { "qemu+tcp://[fe80::1]:16509/system", "qemu", "tcp", null, "fe80::1", 16509, "/system", None, "tcp", "qemu:///system" },
        { "qemu+ssh://root@[2001:db8::5]:22/system", "qemu", "ssh", "root", "2001:db8::5", 22, "/system", None, "ssh", "qemu:///system" },

        // Escapes: user names, paths and query values are unescaped; the name re-escapes them as libvirt does.
        { "qemu+ssh://alice%40corp@host/system", "qemu", "ssh", "alice@corp", "host", null, "/system", None, "ssh", "qemu:///system" },
        { "qemu+ssh://DOMAIN%5Cbob@host/system", "qemu", "ssh", "DOMAIN\\bob", "host", null, "/system", None, "ssh", "qemu:///system" },
        { "test:///tmp/my%20nodes/a%3Ab.xml", "test", null, null, null, null, "/tmp/my nodes/a:b.xml", None, "unix", "test:///tmp/my%20nodes/a%3Ab.xml" },
        { "qemu:///system?foo=a%2Fb%20c&bar=x+y", "qemu", null, null, null, null, "/system", new[] { "foo=a/b c", "bar=x+y" }, "unix", "qemu:///system?foo=a%2Fb%20c&bar=x%2By" },
        { "qemu:///system?flag&=dropped&&e=", "qemu", null, null, null, null, "/system", new[] { "flag=", "e=" }, "unix", "qemu:///system?flag=&e=" },
        { "qemu:///system?a=1;b=2", "qemu", null, null, null, null, "/system", new[] { "a=1", "b=2" }, "unix", "qemu:///system?a=1&b=2" },
        { "qemu:///system#frag", "qemu", null, null, null, null, "/system", None, "unix", "qemu:///system#frag" },

        // Repeated keys are all kept (and passed on); for client options the last one wins.
        { "qemu:///system?foo=1&foo=2", "qemu", null, null, null, null, "/system", new[] { "foo=1", "foo=2" }, "unix", "qemu:///system?foo=1&foo=2" },
        { "qemu+unix:///system?socket=/a&SOCKET=/b", "qemu", "unix", null, null, null, "/system", new[] { "socket=/a", "SOCKET=/b" }, "unix", "qemu:///system" },

        // name= overrides everything; the remote scheme lets the daemon choose.
        { "qemu+ssh://host/system?name=qemu:///session&foo=bar", "qemu", "ssh", null, "host", null, "/system", new[] { "name=qemu:///session", "foo=bar" }, "ssh", "qemu:///session" },
        { "qemu+tcp://host/system?name=", "qemu", "tcp", null, "host", null, "/system", new[] { "name=" }, "tcp", "" },
        { "remote+ssh://host/", "remote", "ssh", null, "host", null, "/", None, "ssh", "" },
        { "qemu+tcp://host", "qemu", "tcp", null, "host", null, "", None, "tcp", "qemu://" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void ParsesEveryPart(string text, string driver, string? transport, string? user, string? host, int? port,
        string path, string[] query, string effectiveTransport, string remoteName)
    {
        var uri = LibvirtUri.Parse(text);

        Assert.Equal(text, uri.Original);
        Assert.Equal(driver, uri.Driver);
        Assert.Equal(transport, uri.Transport);
        Assert.Equal(user, uri.User);
        Assert.Equal(host, uri.Host);
        Assert.Equal(port, uri.Port);
        Assert.Equal(path, uri.Path);
        Assert.Equal(query, uri.Query.Select(p => $"{p.Key}={p.Value}").ToArray());
        Assert.Equal(effectiveTransport, uri.EffectiveTransport);
        Assert.Equal(remoteName, uri.RemoteName);
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { "", "empty" },
        { "   ", "blank" },
        { "qemu", "no scheme separator" },
        { "qemu:/system", "single slash" },
        { "://host/system", "no driver" },
        { "1qemu:///system", "scheme starting with a digit" },
        { "qemu_kvm:///system", "underscore in scheme" },
        { "qemu+http://host/system", "unknown transport" },
        { "qemu+://host/system", "empty transport" },
        { "qemu+ssh+tls://host/system", "two transports" },
        { "qemu+tcp://host:0/system", "port 0" },
        { "qemu+tcp://host:65536/system", "port too large" },
        { "qemu+tcp://host:abc/system", "port not a number" },
        { "qemu+tcp://host:/system", "empty port" },
        { "qemu+tcp://[::1/system", "unterminated IPv6" },
        { "qemu+tcp://[::1]x/system", "text after IPv6" },
        { "qemu+tcp://[not-ipv6]/system", "brackets around a name" },
        { "qemu:///sys%zztem", "bad percent escape in path" },
        { "qemu:///system?foo=%4", "truncated percent escape in query" },
        { "qemu+ssh://al%g1ce@host/system", "bad percent escape in user" },
        { "qemu+tcp://my host/system", "space in host" },
        { "qemu+tcp://my%20host/system", "escaped space in host" },
        { "qemu+tcp://host\t/system", "tab in host" },
        { "qemu:///my system", "space in path" },
        { "qemu+ssh://a@b@host/system", "two at signs" },
        { "qemu+unix://host/system", "unix transport with a host" },
        { "qemu+ext:///system", "ext without command" },
        { "qemu:///system?mode=fast", "unknown mode" },
        { "qemu+ssh://host/system?proxy=socks", "unknown proxy" },
        { "qemu+libssh://host/system?known_hosts_verify=maybe", "unknown known_hosts_verify" },
        { "qemu+tls://host/system?no_verify=yes", "no_verify not an integer" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void RefusesInvalidUris(string text, string why)
    {
        var ex = Assert.Throws<LibVirtException>(() => LibvirtUri.Parse(text));

        Assert.True(ex.Code == ErrorCode.InvalidArg, why);
        Assert.Equal(ErrorDomain.Uri, ex.Domain);
        Assert.Equal(text, ex.Target);
        Assert.False(LibvirtUri.TryParse(text, out var uri, out var error));
        Assert.Null(uri);
        Assert.Equal(ex.Message, error);
    }

    [Fact]
    public void LastParameterWinsCaseInsensitively()
    {
        var uri = LibvirtUri.Parse("qemu+unix:///system?socket=/a&SOCKET=/b");

        Assert.Equal("/b", uri.Parameter("socket"));
        Assert.Null(uri.Parameter("mode"));
    }

    [Fact]
    public void KeepsTheFragment()
    {
        Assert.Equal("a b", LibvirtUri.Parse("qemu:///system#a%20b").Fragment);
        Assert.Null(LibvirtUri.Parse("qemu:///system").Fragment);
    }

    [Theory]
    [InlineData("test:///default", true)]
    [InlineData("test+unix:///default", false)]
    [InlineData("test://host/default", false)]
    [InlineData("esx://esx1/", true)]
    [InlineData("esx+tls://esx1/", false)]
    [InlineData("hyperv://hv1/", true)]
    [InlineData("vmwareplayer:///session", true)]
    [InlineData("qemu:///system", false)]
    public void KnowsWhichDriversLibvirtRunsInTheClient(string text, bool clientSide)
    {
        Assert.Equal(clientSide, LibvirtUri.Parse(text).IsClientSideDriver);
    }

    [Fact]
    public void ClientParametersAreExactlyTheRemoteDriversOwn()
    {
        var expected = new[]
        {
            "auth", "authfile", "command", "keyfile", "known_hosts", "known_hosts_verify", "mode", "name", "netcat",
            "no_sanity", "no_tty", "no_verify", "pkipath", "proxy", "socket", "sshauth", "tls_priority",
        };

        Assert.Equal(expected, LibvirtUri.ClientParameters.Order(StringComparer.Ordinal));
    }
}
