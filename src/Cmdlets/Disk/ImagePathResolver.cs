using System.Management.Automation;
using LibVirtPS.Commands.Common;

namespace LibVirtPS.Commands.Disk;

/// <summary>
/// Turns -Path and -LiteralPath arguments into file system paths for the image chain resolver. A relative path is
/// joined to the current file system location as written (no '..' collapsing, no symlink resolution: the kernel
/// does that when the file is opened). -Path expands wildcards to the files they match; a pattern that matches
/// nothing is silent, as in Get-ChildItem. -LiteralPath takes every character literally. The resolver looks for
/// image files, or for folders (which must exist) when asked to.
/// </summary>
internal sealed class ImagePathResolver
{
    private readonly PSCmdlet _cmdlet;
    private readonly bool _folders;

    public ImagePathResolver(PSCmdlet cmdlet, bool folders = false)
    {
        _cmdlet = cmdlet;
        _folders = folders;
    }

    /// <summary>The paths that one argument names; a problem with the argument is written as an error, never thrown.</summary>
    public IReadOnlyList<string> Resolve(string path, bool literal)
    {
        try
        {
            return !literal && WildcardPattern.ContainsWildcardCharacters(path) ? Expand(path) : Single(path);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            _cmdlet.WriteError(ErrorMapper.ToErrorRecord(ex, path));
            return Array.Empty<string>();
        }
    }

    private IReadOnlyList<string> Single(string path)
    {
        var single = Literal(path);
        if (single is null || !_folders)
        {
            return single is null ? Array.Empty<string>() : new[] { single };
        }

        // Folders are listed, not opened through a chain: their names may be tidied ('.' and '..' collapsed).
        single = System.IO.Path.GetFullPath(single);
        if (!Directory.Exists(single))
        {
            _cmdlet.WriteError(ErrorMapper.Create("FolderNotFound", ErrorCategory.ObjectNotFound, $"'{single}' is not a folder", path));
            return Array.Empty<string>();
        }

        return new[] { single };
    }

    private IReadOnlyList<string> Expand(string pattern)
    {
        System.Collections.ObjectModel.Collection<string> matches;
        ProviderInfo provider;
        try
        {
            matches = _cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(pattern, out provider);
        }
        catch (ItemNotFoundException)
        {
            return Array.Empty<string>();
        }
        catch (Exception ex) when (ex is System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
        {
            _cmdlet.WriteError(NotFileSystem(pattern, ex.Message));
            return Array.Empty<string>();
        }

        if (!IsFileSystem(provider))
        {
            _cmdlet.WriteError(NotFileSystem(pattern, $"'{pattern}' is a {provider.Name} path, not a file system path"));
            return Array.Empty<string>();
        }

        // A pattern such as 'images/*' matches files and folders alike: keep the kind asked for.
        return matches.Where(m => Directory.Exists(m) == _folders).ToList();
    }

    private string? Literal(string path)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }

        if (NamesProviderOrDrive(path))
        {
            try
            {
                var resolved = _cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
                if (IsFileSystem(provider))
                {
                    return resolved;
                }

                _cmdlet.WriteError(NotFileSystem(path, $"'{path}' is a {provider.Name} path, not a file system path"));
            }
            catch (Exception ex) when (ex is System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException)
            {
                _cmdlet.WriteError(NotFileSystem(path, ex.Message));
            }

            return null;
        }

        return Path.Join(_cmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath, path);
    }

    /// <summary>
    /// A provider-qualified path (FileSystem::/x), a path on a PowerShell drive (TestDrive:/x) or a home path (~/x).
    /// Any other name, 'a:b.qcow2' included when no drive 'a' exists, is a relative file name.
    /// </summary>
    private bool NamesProviderOrDrive(string path)
    {
        if (path.Contains("::", StringComparison.Ordinal) || path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            || path.StartsWith("~\\", StringComparison.Ordinal))
        {
            return true;
        }

        var colon = path.IndexOf(':', StringComparison.Ordinal);
        var slash = path.IndexOfAny(new[] { '/', '\\' });
        if (colon <= 0 || (slash >= 0 && slash < colon))
        {
            return false;
        }

        var drive = path[..colon];
        return _cmdlet.SessionState.Drive.GetAll().Any(d => string.Equals(d.Name, drive, StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsFileSystem(ProviderInfo provider) => provider.ImplementingType.Name == "FileSystemProvider";

    private static ErrorRecord NotFileSystem(string path, string message) =>
        ErrorMapper.Create("NotFileSystemPath", ErrorCategory.InvalidArgument, message, path);
}
