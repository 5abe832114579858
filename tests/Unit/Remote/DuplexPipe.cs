using System.Threading.Channels;

namespace LibVirtPS.Tests.Remote;

/// <summary>An in-memory, connected pair of streams: what one end writes, the other reads.</summary>
internal static class DuplexPipe
{
    public static (Stream Client, Stream Server) Create()
    {
        var toServer = Channel.CreateUnbounded<byte[]>();
        var toClient = Channel.CreateUnbounded<byte[]>();
        return (new End(toClient, toServer), new End(toServer, toClient));
    }

    private sealed class End(Channel<byte[]> inbound, Channel<byte[]> outbound) : Stream
    {
        private ReadOnlyMemory<byte> _current;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (_current.IsEmpty)
            {
                if (!await inbound.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return 0;
                }

                if (inbound.Reader.TryRead(out var next))
                {
                    _current = next;
                }
            }

            var n = Math.Min(buffer.Length, _current.Length);
            _current[..n].CopyTo(buffer);
            _current = _current[n..];
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, default).GetAwaiter().GetResult();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!outbound.Writer.TryWrite(buffer.ToArray()))
            {
                throw new IOException("The other end of the pipe is closed");
            }

            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            // Closing one end is seen by the other as end of stream, and ends this end's own reads.
            outbound.Writer.TryComplete();
            inbound.Writer.TryComplete();
            base.Dispose(disposing);
        }
    }
}
