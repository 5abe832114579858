using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Images;

namespace LibVirtPS.Commands.Disk;

/// <summary>
/// An image file that no domain disk chain references, as Find-VirtOrphanedImage writes it. It names the file by
/// FullName and PSPath and has no Path property on purpose: piped to Remove-Item, PSPath binds -LiteralPath, so a
/// name that holds [ ] is never read as a wildcard pattern (which could name another file).
/// </summary>
public sealed class OrphanedImageFile
{
    private const string FileSystemProvider = "Microsoft.PowerShell.Core\\FileSystem::";

    public OrphanedImageFile(OrphanedImage image)
    {
        Image = image;
    }

    /// <summary>The engine's record of the image.</summary>
    public OrphanedImage Image { get; }

    public string Name => System.IO.Path.GetFileName(Image.Path);

    public string FullName => Image.Path;

    public string? DirectoryName => System.IO.Path.GetDirectoryName(Image.Path);

    /// <summary>The provider-qualified path, which Remove-Item, Move-Item and Copy-Item bind to -LiteralPath.</summary>
    public string PSPath => FileSystemProvider + Image.Path;

    /// <summary>The path's bytes in base64 when they are not valid UTF-8 (FullName then does not name the file).</summary>
    public string? PathBytes => Image.PathBytes;

    /// <summary>The file's size in bytes (for a sparse image, the apparent size).</summary>
    public long Size => Image.Size;

    /// <summary>The format probed from the content (a qemu driver name).</summary>
    public string Format => Image.Format;

    public FileIdentity Identity => Image.Identity;

    public override string ToString() => FullName;
}
