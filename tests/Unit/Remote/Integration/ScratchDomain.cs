using System.Diagnostics;
using System.Runtime.Versioning;
using System.Security;

namespace LibVirtPS.Tests.Remote.Integration;

/// <summary>
/// A uniquely named QEMU domain for integration tests: a temp folder holding a two-image qcow2 chain made with
/// qemu-img (base.qcow2 under top.qcow2) and the domain XML that boots from the top image.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class ScratchDomain : IDisposable
{
    public ScratchDomain()
    {
        Name = "libvirtps-it-" + Guid.NewGuid().ToString("N")[..12];
        Folder = Directory.CreateTempSubdirectory("libvirtps-it-").FullName;

        // The QEMU process runs as another user: it must be able to reach the images.
        File.SetUnixFileMode(Folder, (UnixFileMode)0b111_101_101);
        BaseImage = Path.Combine(Folder, "base.qcow2");
        TopImage = Path.Combine(Folder, "top.qcow2");
        QemuImg("create", "-q", "-f", "qcow2", BaseImage, "16M");
        QemuImg("create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", BaseImage, TopImage);
    }

    public string Name { get; }
    public string Folder { get; }
    public string BaseImage { get; }
    public string TopImage { get; }

    /// <summary>kvm when /dev/kvm exists and others than root may open it (QEMU does not run as root), else qemu (TCG).</summary>
    public static string DomainType =>
        File.Exists("/dev/kvm") && (File.GetUnixFileMode("/dev/kvm") & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0 ? "kvm" : "qemu";

    public string Xml => $"""
        <domain type='{DomainType}'>
          <name>{SecurityElement.Escape(Name)}</name>
          <memory unit='MiB'>64</memory>
          <vcpu>1</vcpu>
          <os><type arch='x86_64'>hvm</type></os>
          <on_poweroff>destroy</on_poweroff>
          <devices>
            <emulator>/usr/bin/qemu-system-x86_64</emulator>
            <disk type='file' device='disk'>
              <driver name='qemu' type='qcow2'/>
              <source file='{SecurityElement.Escape(TopImage)}'/>
              <target dev='vda' bus='virtio'/>
            </disk>
          </devices>
        </domain>
        """;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a still-running QEMU would hold the images; the domain is destroyed before this runs.
        }
    }

    private static void QemuImg(params string[] args)
    {
        var start = new ProcessStartInfo("qemu-img") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"qemu-img {string.Join(' ', args)} failed: {error}");
        }
    }
}
