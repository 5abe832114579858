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
        var batch = new CallBatch(this, program, procedure, count, slots, writeArgs, onReply);
        try
        {
            // One slot is waited for; the others are taken only while free, now and as replies come in, so that a
            // batch never holds some slots while waiting for more (two batches would then wait on each other).
            await WaitForSlotAsync(procedure, linked.Token, cancellationToken).ConfigureAwait(false);
            await using var registration = linked.Token.Register(() =>
                batch.Stop(cancellationToken.IsCancellationRequested ? new OperationCanceledException(cancellationToken) : TimedOut(procedure))).ConfigureAwait(false);
            batch.Start();
            await batch.Completion.ConfigureAwait(false);
        }
        finally
        {
            batch.ReleaseSlots();
        }
    }

    /// <summary>
    /// The state of one <see cref="CallManyAsync"/>. Every call on the wire holds one of the client's slots: a reply's
    /// slot goes to the batch's next call, or back to the client once nothing is left to send (so that the next batch
    /// or a single call can start before the last replies of this one arrive); free slots are picked up after each
    /// reply, up to the window.
    /// </summary>
    private sealed class CallBatch(RpcClient client, uint program, int procedure, int count, int window, Action<int, XdrWriter> writeArgs,
        Action<int, ReadOnlyMemory<byte>, LibVirtException?> onReply)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly HashSet<uint> _inFlight = [];
        private readonly object _sync = new();
        private int _next;
        private int _held = 1;
        private bool _stopped;

        public Task Completion => _done.Task;

        /// <summary>Sends the first call on the slot already taken, then as many more as free slots allow.</summary>
        public void Start()
        {
            Send();
            TopUp();
        }

        public void OnReply(int index, uint serial, RpcPacket packet)
        {
            bool deliver;
            lock (_sync)
            {
                deliver = _inFlight.Contains(serial) && !_stopped;
            }

            // The reply's slot is free at the daemon: the next call goes out first, so that the daemon works on it
            // while this reply is handled.
            if (HasMoreToSend())
            {
                Send();
                TopUp();
            }
            else
            {
                ReleaseSlot();
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

            // Only now is this call done: the batch cannot complete before its last reply has been handled.
            lock (_sync)
            {
                _inFlight.Remove(serial);
            }

            CompleteIfDone();
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

        /// <summary>Gives back every slot still held: the batch is over (done, failed or cancelled).</summary>
        public void ReleaseSlots()
        {
            int held;
            lock (_sync)
            {
                held = _held;
                _held = 0;
            }

            if (held > 0)
            {
                client._callSlots.Release(held);
            }
        }

        private bool HasMoreToSend()
        {
            lock (_sync)
            {
                return !_stopped && _next < count;
            }
        }

        /// <summary>Takes free slots, without waiting, while calls remain unsent and the window allows, sending one on each.</summary>
        private void TopUp()
        {
            while (true)
            {
                lock (_sync)
                {
                    if (_stopped || _next >= count || _held >= window)
                    {
                        return;
                    }
                }

                if (!client._callSlots.Wait(0))
                {
                    return;
                }

                lock (_sync)
                {
                    _held++;
                }

                Send();
            }
        }

        private void ReleaseSlot()
        {
            lock (_sync)
            {
                if (_held == 0)
                {
                    return;
                }

                _held--;
            }

            client._callSlots.Release();
        }

        private void CompleteIfDone()
        {
            lock (_sync)
            {
                if (_inFlight.Count > 0 || (!_stopped && _next < count))
                {
                    return;
                }
            }

            _done.TrySetResult();
        }

        /// <summary>Sends the next call on a slot this batch holds; with nothing left to send, the slot goes back.</summary>
        private void Send()
        {
            int index;
            uint serial;
            lock (_sync)
            {
                if (_stopped || _next >= count)
                {
                    index = -1;
                    serial = 0;
                }
                else
                {
                    index = _next++;
                    serial = unchecked((uint)Interlocked.Increment(ref client._nextSerial));
                    _inFlight.Add(serial);
                }
            }

            if (index < 0)
            {
                ReleaseSlot();
                CompleteIfDone();
                return;
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
    }
}
