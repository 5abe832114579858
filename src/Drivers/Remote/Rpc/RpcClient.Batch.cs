using LibVirtPS.Drivers.Remote.Xdr;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Drivers.Remote.Rpc;

/// <summary>Many calls of one procedure, driven from the reader thread.</summary>
public sealed partial class RpcClient
{
    /// <summary>
    /// Calls one procedure <paramref name="count"/> times (arguments by index) with up to <paramref name="window"/>
    /// calls on the wire (never more than <see cref="RpcClientOptions.MaxCallsInFlight"/>). Each reply is handed to
    /// <paramref name="onReply"/> on the reader thread as it arrives (the payload, or the daemon's error), and the next
    /// call goes out from there at once: no thread hop between a reply and the next call. <paramref name="onReply"/>
    /// must be quick and must not block. Completes when every reply is in; fails on a lost connection, on cancellation,
    /// after <see cref="RpcClientOptions.CallTimeout"/>, or with the exception <paramref name="onReply"/> threw.
    /// </summary>
    public async Task CallManyAsync(uint program, int procedure, int count, Action<int, XdrWriter> writeArgs,
        Action<int, ReadOnlyMemory<byte>, LibVirtException?> onReply, int window, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ThrowIfFailed();
        if (count == 0)
        {
            return;
        }

        using var timeout = _options.CallTimeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(_options.CallTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var slots = Math.Clamp(window, 1, Math.Min(count, Math.Max(1, _options.MaxCallsInFlight)));
        var taken = 0;
        var batch = new CallBatch(this, program, procedure, count, writeArgs, onReply);
        try
        {
            // The batch keeps its slots throughout: a reply's slot passes straight to the next call. It waits for one
            // and takes only the others free now, so that batches never hold some slots while waiting for more.
            await WaitForSlotAsync(procedure, linked.Token, cancellationToken).ConfigureAwait(false);
            for (taken = 1; taken < slots && _callSlots.Wait(0); taken++)
            {
            }

            slots = taken;

            await using var registration = linked.Token.Register(() =>
                batch.Stop(cancellationToken.IsCancellationRequested ? new OperationCanceledException(cancellationToken) : TimedOut(procedure))).ConfigureAwait(false);
            for (var i = 0; i < slots; i++)
            {
                batch.SendNext();
            }

            await batch.Completion.ConfigureAwait(false);
        }
        finally
        {
            if (taken > 0)
            {
                _callSlots.Release(taken);
            }
        }
    }

    /// <summary>Writes one whole packet from the calling thread (the reader's, for batches).</summary>
    private void Send(RpcHeader header, ReadOnlySpan<byte> payload)
    {
        ThrowIfFailed();
        var packet = PacketCodec.Encode(header, payload);
        _writeLock.Wait();
        try
        {
            ThrowIfFailed();
            _stream.Write(packet);
            _stream.Flush();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            throw Fail(new ConnectionException($"Writing to the daemon failed: {ex.Message}", ex));
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private sealed class CallBatch(RpcClient client, uint program, int procedure, int count, Action<int, XdrWriter> writeArgs,
        Action<int, ReadOnlyMemory<byte>, LibVirtException?> onReply)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly HashSet<uint> _inFlight = [];
        private readonly object _sync = new();
        private int _next;
        private bool _stopped;

        public Task Completion => _done.Task;

        /// <summary>Sends the next call, or completes the batch when nothing is left to send or to wait for.</summary>
        public void SendNext()
        {
            int index;
            uint serial;
            lock (_sync)
            {
                if (_stopped || _next >= count)
                {
                    if (_inFlight.Count == 0)
                    {
                        _done.TrySetResult();
                    }

                    return;
                }

                index = _next++;
                serial = unchecked((uint)Interlocked.Increment(ref client._nextSerial));
                _inFlight.Add(serial);
            }

            try
            {
                var args = new XdrWriter();
                writeArgs(index, args);
                client._pending[serial] = new PendingCall(program, procedure, this, index);
                client.Send(new RpcHeader(program, RpcHeader.ProtocolVersion, procedure, PacketType.Call, serial, PacketStatus.Ok), args.WrittenSpan);
            }
            catch (Exception ex)
            {
                client._pending.TryRemove(serial, out _);
                Stop(ex);
            }
        }

        public void OnReply(int index, uint serial, RpcPacket packet)
        {
            bool deliver;
            lock (_sync)
            {
                deliver = _inFlight.Remove(serial) && !_stopped;
            }

            if (deliver)
            {
                try
                {
                    var error = packet.Header.Status == PacketStatus.Error ? RemoteError.Decode(packet.Payload).ToException() : null;
                    onReply(index, error is null ? packet.Payload : ReadOnlyMemory<byte>.Empty, error);
                }
                catch (Exception ex)
                {
                    Stop(ex);
                }
            }

            SendNext();
        }

        public void Fail(Exception failure) => Stop(failure);

        /// <summary>Sends nothing more, forgets the calls on the wire (their replies are dropped) and fails the batch.</summary>
        public void Stop(Exception reason)
        {
            lock (_sync)
            {
                _stopped = true;
                foreach (var serial in _inFlight)
                {
                    client._pending.TryRemove(serial, out _);
                }

                _inFlight.Clear();
            }

            if (reason is OperationCanceledException cancelled)
            {
                _done.TrySetCanceled(cancelled.CancellationToken);
            }
            else
            {
                _done.TrySetException(reason);
            }
        }
    }
}
