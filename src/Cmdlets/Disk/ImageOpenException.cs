using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Images;

namespace LibVirtPS.Commands.Disk;

/// <summary>
/// An image that cannot be opened at all (missing, a directory, a FIFO, no permission...), carrying the engine's
/// stable error id so that ErrorMapper can keep it as the record's ErrorId.
/// </summary>
public sealed class ImageOpenException : IOException
{
    public ImageOpenException(ImageChainError error)
        : base(string.IsNullOrEmpty(error.Message) ? $"Cannot open the image '{error.Path}'" : $"Cannot open the image: {error.Message}")
    {
        ErrorId = error.ErrorId;
        Failure = error.Failure;
        Path = error.Path;
    }

    public string ErrorId { get; }

    public ImageOpenFailure Failure { get; }

    public string Path { get; }
}
