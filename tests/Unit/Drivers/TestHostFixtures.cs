using LibVirtPS.Drivers.Test;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Drivers;

namespace LibVirtPS.Tests.Drivers;

/// <summary>Ways to reach a test host without disturbing the one test:///default shares with the whole process.</summary>
internal static class TestHostFixtures
{
    public const string TestNamespace = "http://libvirt.org/schemas/domain/test/1.0";

    public static TestDriver Open(string uri) => (TestDriver)TestDriver.Open(LibvirtUri.Parse(uri));

    /// <summary>A private host with the default content, so tests may change it freely.</summary>
    public static TestDriver FreshDefault() =>
        new("test:///default", new TestHost(TestHosts.DefaultPath, NodeFile.LoadDefault()));

    /// <summary>A minimal domain definition of type test.</summary>
    public static string MinimalDomain(string name, Guid? uuid = null, string memory = "1048576", string extra = "", string devices = "") =>
        $"""
        <domain type='test'>
          <name>{name}</name>
          {(uuid is Guid u ? $"<uuid>{u:D}</uuid>" : "")}
          <memory unit='KiB'>{memory}</memory>
          <vcpu>1</vcpu>
          <os><type arch='x86_64'>hvm</type></os>
          {extra}
          <devices>{devices}</devices>
        </domain>
        """;

    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    /// <summary>The folder holding LibVirtPS.slnx, found upwards from the test assembly.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LibVirtPS.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("LibVirtPS.slnx was not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A node file (and files it references) in a folder of its own, removed on dispose.</summary>
internal sealed class TempNode : IDisposable
{
    public TempNode()
    {
        Folder = Path.Combine(Path.GetTempPath(), "libvirtps-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public string NodePath => Path.Combine(Folder, "node.xml");

    public string Uri => "test:///" + NodePath.Replace('\\', '/').TrimStart('/');

    /// <summary>Writes a file relative to the folder and returns its full path.</summary>
    public string Write(string relativePath, string content)
    {
        var path = Path.Combine(Folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Writes node.xml with this inner content and opens it.</summary>
    public TestDriver OpenNode(string innerXml)
    {
        Write("node.xml", $"<node>{innerXml}</node>");
        return TestHostFixtures.Open(Uri);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
