using System.Net.Sockets;
using LibVirtPS.Drivers;
using LibVirtPS.Engine.Connections;
using Xunit;

namespace LibVirtPS.Tests.Remote;

public class ConnectionServiceDefaultUriTests
{
    [Fact]
    public void EnvironmentVariableWinsOverALocalDaemon()
    {
        var service = new ConnectionService(DriverCatalog.CreateRegistry(), name => name == "LIBVIRT_DEFAULT_URI" ? " qemu+tcp://h/system " : null,
            () => "qemu:///system");
        Assert.Equal("qemu+tcp://h/system", service.ResolveDefaultUri());
    }

    [Fact]
    public void LocalDaemonComesBeforeTheEmbeddedHost()
    {
        var service = new ConnectionService(DriverCatalog.CreateRegistry(), _ => null, () => "qemu:///system");
        Assert.Equal("qemu:///system", service.ResolveDefaultUri());
    }

    [Fact]
    public void EmbeddedHostWhenNoDaemonAnswers()
    {
        var service = new ConnectionService(DriverCatalog.CreateRegistry(), _ => null, () => null);
        Assert.Equal(ConnectionService.EmbeddedDefaultUri, service.ResolveDefaultUri());
    }

    [Fact]
    public void ProbeFindsAListeningSessionSocketAndIgnoresADeadOne()
    {
        var runtime = Directory.CreateTempSubdirectory("libvirtps-probe-");
        try
        {
            var directory = Directory.CreateDirectory(Path.Combine(runtime.FullName, "libvirt"));
            var path = Path.Combine(directory.FullName, "libvirt-sock");
            Assert.Null(ConnectionService.ProbeLocalDaemon(false, runtime.FullName, ConnectionService.ProbeTimeout));

            using (var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            {
                listener.Bind(new UnixDomainSocketEndPoint(path));
                listener.Listen(1);
                Assert.Equal("qemu:///session", ConnectionService.ProbeLocalDaemon(false, runtime.FullName, ConnectionService.ProbeTimeout));
            }

            // A file where the socket should be (a daemon that died and left something behind) is no daemon.
            File.WriteAllText(path, "");
            Assert.Null(ConnectionService.ProbeLocalDaemon(false, runtime.FullName, ConnectionService.ProbeTimeout));
        }
        finally
        {
            runtime.Delete(recursive: true);
        }
    }

    [Fact]
    public void ProbeWithoutRuntimeDirectoryFindsNothingForUsers()
    {
        Assert.Null(ConnectionService.ProbeLocalDaemon(false, null, ConnectionService.ProbeTimeout));
    }
}
