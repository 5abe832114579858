using System.Collections.Concurrent;
using LibVirtPS.Engine.Connections;

namespace LibVirtPS.Drivers.Test;

/// <summary>
/// The test hosts of this process, one per URI path: every connection to test:///default (or to the same node
/// file) sees the same state, and closing a connection leaves the host as it is.
/// </summary>
internal static class TestHosts
{
    public const string DefaultPath = "/default";

    private static readonly ConcurrentDictionary<string, TestHost> Hosts = new(StringComparer.Ordinal);

    public static TestHost Open(LibvirtUri uri)
    {
        var key = KeyOf(uri);
        if (Hosts.TryGetValue(key, out var existing))
        {
            return existing;
        }

        // Loading happens outside the map so a failed load leaves nothing behind; if two opens race, the first
        // host added wins and both connections share it.
        var description = key == DefaultPath ? NodeFile.LoadDefault() : NodeFile.Load(key);
        return Hosts.GetOrAdd(key, new TestHost(key, description));
    }

    /// <summary>"/default", or the full path of the node file the URI names.</summary>
    public static string KeyOf(LibvirtUri uri)
    {
        if (uri.Driver != "test")
        {
            throw TestErrors.CannotOpen("test URI", uri.Original, "the test driver serves only test:/// URIs");
        }

        var path = uri.Path;
        if (path == DefaultPath)
        {
            return path;
        }

        // On Windows a node file C:\lab\node.xml is written test:///C:/lab/node.xml.
        if (OperatingSystem.IsWindows() && path.Length > 2 && path[0] == '/' && path[2] == ':')
        {
            path = path[1..];
        }

        if (!Path.IsPathFullyQualified(path))
        {
            throw TestErrors.CannotOpen("node file", path,
                "the path must be absolute (use test:///default or test:///<absolute path to a node file>)");
        }

        return Path.GetFullPath(path);
    }
}
