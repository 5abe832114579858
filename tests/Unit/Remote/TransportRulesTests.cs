using LibVirtPS.Drivers.Remote.Transports;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Errors;
using Xunit;

namespace LibVirtPS.Tests.Remote;

public class TransportRulesTests
{
    private static TransportEnvironment Env(bool root, params string[] existing) =>
        new(root, "/home/u", "/run/user/1000", existing.Contains);

    [Theory]
    [InlineData("qemu:///system", false, "", "/var/run/libvirt/libvirt-sock")]
    [InlineData("qemu:///system", true, "", "/var/run/libvirt/libvirt-sock-ro")]
    [InlineData("qemu:///system", false, "/var/run/libvirt/virtqemud-sock", "/var/run/libvirt/virtqemud-sock")]
    [InlineData("qemu:///system", true, "/var/run/libvirt/virtqemud-sock-ro", "/var/run/libvirt/virtqemud-sock-ro")]
    [InlineData("qemu:///system?mode=legacy", false, "/var/run/libvirt/virtqemud-sock", "/var/run/libvirt/libvirt-sock")]
    [InlineData("qemu:///system?mode=direct", false, "", "/var/run/libvirt/virtqemud-sock")]
    [InlineData("test+unix:///default", false, "", "/var/run/libvirt/libvirt-sock")]
    [InlineData("qemu+unix:///system?socket=/p/s", false, "", "/p/s")]
    [InlineData("lxc:///system", false, "/var/run/libvirt/virtlxcd-sock", "/var/run/libvirt/virtlxcd-sock")]
    public void UnixSocketsForRoot(string uri, bool readOnly, string existing, string expected)
    {
        var target = RemoteTransport.Describe(LibvirtUri.Parse(uri), readOnly, Env(true, existing));
        Assert.Equal(new TransportTarget("unix", expected), target);
    }

    [Fact]
    public void SessionSocketsForOtherUsers()
    {
        var target = RemoteTransport.Describe(LibvirtUri.Parse("qemu:///session"), false, Env(false));
        Assert.Equal("/run/user/1000/libvirt/libvirt-sock", target.Destination);
        Assert.Equal("/var/run/libvirt/libvirt-sock", RemoteTransport.Describe(LibvirtUri.Parse("qemu:///system"), false, Env(false)).Destination);
    }

    [Theory]
    [InlineData("qemu+tcp://h/system", "tcp", "h", 16509)]
    [InlineData("qemu+tcp://h:1234/system", "tcp", "h", 1234)]
    [InlineData("qemu+tls://h/system", "tls", "h", 16514)]
    [InlineData("qemu://h/system", "tls", "h", 16514)]
    [InlineData("qemu://[fe80::1]:99/system", "tls", "fe80::1", 99)]
    public void NetworkTransports(string uri, string transport, string host, int port)
    {
        Assert.Equal(new TransportTarget(transport, host, port), RemoteTransport.Describe(LibvirtUri.Parse(uri), false, Env(true)));
    }

    [Theory]
    [InlineData("qemu+ssh:///system", ErrorCode.InvalidArg)]
    [InlineData("qemu+ext:///system?command=/bin/x", ErrorCode.NoSupport)]
    [InlineData("qemu+tcp:///system", ErrorCode.InvalidArg)]
    [InlineData("qemu:///system?mode=sideways", ErrorCode.InvalidArg)]
    public void UnsupportedOrIncompleteUris(string uri, ErrorCode code)
    {
        var ex = Assert.Throws<LibVirtException>(() => RemoteTransport.Describe(LibvirtUri.Parse(uri), false, Env(true)));
        Assert.Equal(code, ex.Code);
    }

    [Fact]
    public void TlsFilesFollowLibvirtsRules()
    {
        Assert.Equal(new TlsFiles("/pki/cacert.pem", "/pki/clientcert.pem", "/pki/clientkey.pem"),
            TlsFiles.Resolve(LibvirtUri.Parse("qemu+tls://h/system?pkipath=/pki"), true, "/root", _ => false));
        Assert.Equal(new TlsFiles(TlsFiles.SystemCa, TlsFiles.SystemClientCertificate, TlsFiles.SystemClientKey),
            TlsFiles.Resolve(LibvirtUri.Parse("qemu+tls://h/system"), true, "/root", _ => true));
        var user = TlsFiles.Resolve(LibvirtUri.Parse("qemu+tls://h/system"), false, "/home/u", p => p.EndsWith("clientcert.pem") || p.EndsWith("clientkey.pem"));
        Assert.Equal(new TlsFiles(TlsFiles.SystemCa, "/home/u/.pki/libvirt/clientcert.pem", "/home/u/.pki/libvirt/clientkey.pem"), user);
    }
}
