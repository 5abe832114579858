namespace LibVirtPS.Drivers.Test;

/// <summary>Reads the text of a node file or a file it references, failing with libvirt's NoConnect error.</summary>
internal static class TextFile
{
    /// <param name="what">What the file is ("node file", "domain file", ...), for the message.</param>
    /// <param name="referencedFrom">Where the reference was made ("line 4 of node file '...'"), or null.</param>
    public static string Read(string what, string path, string? referencedFrom)
    {
        var suffix = referencedFrom is null ? "" : $" (referenced at {referencedFrom})";
        if (Directory.Exists(path))
        {
            throw TestErrors.CannotOpen(what, path, "it is a folder, not a file" + suffix);
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw TestErrors.CannotOpen(what, path, "no such file" + suffix);
        }
        catch (UnauthorizedAccessException)
        {
            throw TestErrors.CannotOpen(what, path, "permission denied" + suffix);
        }
        catch (IOException ex)
        {
            throw TestErrors.CannotOpen(what, path, ex.Message + suffix);
        }
    }
}
