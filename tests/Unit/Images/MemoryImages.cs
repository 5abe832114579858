using System.Text;
using LibVirtPS.Engine.Images;

namespace LibVirtPS.Tests.Images;

/// <summary>Images held in memory by name: a second IImageSourceProvider, as a remote source would be.</summary>
public sealed class MemoryImages : IImageSourceProvider
{
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    public byte[] this[string name]
    {
        get => _files[name];
        set => _files[name] = value;
    }

    public ImageOpenResult Open(ImagePath path)
    {
        var name = path.Text;
        if (!_files.TryGetValue(name, out var bytes))
        {
            return ImageOpenResult.Failed(ImageOpenFailure.Missing, "ImageNotFound", $"'{name}': no such image");
        }

        var index = (ulong)_files.Keys.ToList().IndexOf(name);
        return ImageOpenResult.Opened(new Source(path, bytes, new FileIdentity(1, index, null)));
    }

    private sealed class Source : IImageSource
    {
        private readonly byte[] _bytes;

        public Source(ImagePath path, byte[] bytes, FileIdentity identity)
        {
            Path = path;
            _bytes = bytes;
            Identity = identity;
        }

        public ImagePath Path { get; }
        public long Length => _bytes.Length;
        public FileIdentity Identity { get; }
        public bool IsBlockDevice => false;

        public int Read(long offset, Span<byte> buffer)
        {
            if (offset < 0 || offset >= _bytes.Length)
            {
                return 0;
            }

            var count = (int)Math.Min(buffer.Length, _bytes.Length - offset);
            _bytes.AsSpan((int)offset, count).CopyTo(buffer);
            return count;
        }

        public void Dispose()
        {
        }
    }

    public override string ToString() => string.Join(", ", _files.Keys.Select(k => Encoding.UTF8.GetByteCount(k) > 40 ? k[..40] : k));
}
