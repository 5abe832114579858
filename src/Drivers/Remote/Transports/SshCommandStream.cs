using System.Text;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace LibVirtPS.Drivers.Remote.Transports;

/// <summary>
/// A duplex byte stream over the stdin and stdout of a command running on an SSH server. It owns the SSH client:
/// disposing the stream ends the command's input, waits briefly for it to exit, and closes the session.
/// When the session drops, pending and later reads and writes fail with an <see cref="IOException"/> at once,
/// rather than waiting on an output pipe that SSH.NET may never end.
/// </summary>
public sealed class SshCommandStream : Stream
{
    private const int ChunkSize = 64 * 1024;
    private const int StandardErrorLimit = 4096;
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(2);

    private readonly SshClient _client;
    private readonly SshCommand _command;
    private readonly Task _execution;
    private readonly Stream _input;
    private readonly string _peer;
    private readonly TaskCompletionSource<IOException> _broken = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StringBuilder _standardError = new();
    private readonly byte[] _chunk = new byte[ChunkSize];
    private int _chunkStart;
    private int _chunkEnd;
    private Task<int>? _pendingRead;
    private int _disposed;

    public SshCommandStream(SshClient client, SshCommand command, Task execution, Stream input, string peer)
    {
        _client = client;
        _command = command;
        _execution = execution;
        _input = input;
        _peer = peer;
        _client.ErrorOccurred += OnSessionError;
        _ = Task.Run(DrainStandardError);
        _ = execution.ContinueWith(
            t => Break(new IOException($"The SSH channel to {_peer} failed: {t.Exception!.GetBaseException().Message}", t.Exception)),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>What the remote command wrote to stderr so far (its first few kilobytes), for diagnostics.</summary>
    public string StandardError
    {
        get
        {
            lock (_standardError)
            {
                return _standardError.ToString().Trim();
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfBroken();
        if (_chunkStart == _chunkEnd)
        {
            var output = _command.OutputStream;
            _pendingRead ??= Task.Run(() => output.Read(_chunk, 0, _chunk.Length), CancellationToken.None);
            var first = await Task.WhenAny(_pendingRead, _broken.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (first != _pendingRead)
            {
                throw await _broken.Task.ConfigureAwait(false);
            }

            int count;
            try
            {
                count = await _pendingRead.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not IOException)
            {
                throw Break(new IOException($"Reading from the SSH channel to {_peer} failed: {ex.Message}", ex));
            }
            finally
            {
                _pendingRead = null;
            }

            if (count == 0)
            {
                await ThrowIfCommandFailedAsync().ConfigureAwait(false);
                return 0;
            }

            (_chunkStart, _chunkEnd) = (0, count);
        }

        var n = Math.Min(buffer.Length, _chunkEnd - _chunkStart);
        _chunk.AsMemory(_chunkStart, n).CopyTo(buffer);
        _chunkStart += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>
    /// The blocking read of the RPC client's reader thread: it waits in the output pipe itself, so that data arriving
    /// wakes this thread alone. A session that breaks disposes the pipe (see <see cref="Break"/>), which ends the wait.
    /// </summary>
    public override int Read(Span<byte> buffer)
    {
        ThrowIfBroken();
        if (_chunkStart == _chunkEnd)
        {
            int count;
            try
            {
                count = _pendingRead is { } pending ? pending.GetAwaiter().GetResult() : _command.OutputStream.Read(_chunk, 0, _chunk.Length);
            }
            catch (Exception ex) when (ex is not IOException)
            {
                throw Break(new IOException($"Reading from the SSH channel to {_peer} failed: {ex.Message}", ex));
            }
            finally
            {
                _pendingRead = null;
            }

            ThrowIfBroken();
            if (count == 0)
            {
                ThrowIfCommandFailedAsync().GetAwaiter().GetResult();
                return 0;
            }

            (_chunkStart, _chunkEnd) = (0, count);
        }

        var n = Math.Min(buffer.Length, _chunkEnd - _chunkStart);
        _chunk.AsSpan(_chunkStart, n).CopyTo(buffer);
        _chunkStart += n;
        return n;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowIfBroken();
        try
        {
            _input.Write(buffer);
        }
        catch (Exception ex) when (ex is SshException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            throw Break(new IOException($"Writing to the SSH channel to {_peer} failed: {ex.Message}", ex));
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Flush();
        return Task.CompletedTask;
    }

    public override void Flush()
    {
        ThrowIfBroken();
        _input.Flush();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Break(new IOException($"The SSH channel to {_peer} was closed"));
        _client.ErrorOccurred -= OnSessionError;
        await Task.Run(Close).ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Break(new IOException($"The SSH channel to {_peer} was closed"));
            _client.ErrorOccurred -= OnSessionError;
            Close();
        }

        base.Dispose(disposing);
    }

    /// <summary>Ends the command's input (the bridge then exits), gives it a moment, and closes the session.</summary>
    private new void Close()
    {
        Ignore(_input.Dispose);
        if (_client.IsConnected)
        {
            Ignore(() => _execution.Wait(ExitGrace));
        }

        Ignore(_command.Dispose);
        Ignore(_client.Disconnect);
        Ignore(_client.Dispose);
    }

    /// <summary>
    /// At the end of the output: a session that went down is reported as lost, and a bridge that exited with an error
    /// (nc missing, no socket, helper refused) says why on stderr; either becomes the error, rather than a bare end
    /// of stream. A bridge that exited cleanly (after CONNECT_CLOSE) is a normal end.
    /// </summary>
    private async Task ThrowIfCommandFailedAsync()
    {
        await Task.WhenAny(_execution, _broken.Task, Task.Delay(ExitGrace)).ConfigureAwait(false);
        ThrowIfBroken();
        if (!_execution.IsCompleted)
        {
            return;
        }

        var detail = StandardError;
        var suffix = detail.Length > 0 ? $": {detail}" : "";
        if (_command.ExitStatus is null)
        {
            // The server reports how a command ended; a channel that closes without saying so lost its session.
            var signal = _command.ExitSignal is { Length: > 0 } name ? $" (signal {name})" : "";
            throw Break(new IOException(
                $"The SSH session to {_peer} was lost: the channel closed without the bridge command's exit status{signal}{suffix}"));
        }

        if (_command.ExitStatus != 0)
        {
            throw Break(new IOException($"The bridge command on {_peer} exited with status {_command.ExitStatus}{suffix}"));
        }
    }

    private void DrainStandardError()
    {
        var buffer = new byte[1024];
        try
        {
            int n;
            while ((n = _command.ExtendedOutputStream.Read(buffer, 0, buffer.Length)) > 0)
            {
                lock (_standardError)
                {
                    if (_standardError.Length < StandardErrorLimit)
                    {
                        _standardError.Append(Encoding.UTF8.GetString(buffer, 0, n));
                    }
                }
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or IOException or SshException)
        {
            // The channel went away; what was read is kept.
        }
    }

    private void OnSessionError(object? sender, ExceptionEventArgs e) =>
        Break(new IOException($"The SSH session to {_peer} was lost: {e.Exception.Message}", e.Exception));

    /// <summary>
    /// Marks the stream broken (the first failure wins) and disposes the output pipe, which ends a read blocked in it:
    /// SSH.NET may never end that pipe when the session drops.
    /// </summary>
    private IOException Break(IOException failure)
    {
        if (_broken.TrySetResult(failure))
        {
            Ignore(_command.OutputStream.Dispose);
        }

        return _broken.Task.Result;
    }

    private void ThrowIfBroken()
    {
        if (_broken.Task.IsCompleted)
        {
            throw _broken.Task.Result;
        }
    }

    private static void Ignore(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is SshException or ObjectDisposedException or InvalidOperationException or IOException
                                       or AggregateException or System.Net.Sockets.SocketException)
        {
            // Closing a session that is already gone has nothing left to report.
        }
    }
}
