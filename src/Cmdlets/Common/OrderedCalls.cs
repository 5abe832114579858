using System.Management.Automation;

namespace LibVirtPS.Commands.Common;

/// <summary>
/// Engine calls started one per pipeline input and written in input order. Up to <c>window</c> calls run at once,
/// so that piped domains of a remote host cost about one round trip per window rather than one each; each result
/// (or error) is written as soon as every earlier one has been. Used from the pipeline thread only.
/// </summary>
internal sealed class OrderedCalls<T>(LibVirtCmdlet cmdlet, int window, Action<T> write)
{
    private readonly Queue<(object? Target, Task<T> Call)> _pending = new();

    /// <summary>Starts a call for one input, then writes what is finished at the head (waiting only when the window is full).</summary>
    public void Add(object? target, Func<CancellationToken, Task<T>> call)
    {
        Task<T> started;
        try
        {
            started = call(cmdlet.CancellationToken);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            started = Task.FromException<T>(ex);
        }

        _pending.Enqueue((target, started));
        WriteFinished(waitWhileAtLeast: window);
    }

    /// <summary>Writes every remaining result in order: the end of the pipeline input.</summary>
    public void Drain() => WriteFinished(waitWhileAtLeast: 1);

    private void WriteFinished(int waitWhileAtLeast)
    {
        while (_pending.Count > 0 && (_pending.Count >= waitWhileAtLeast || _pending.Peek().Call.IsCompleted))
        {
            var (target, call) = _pending.Dequeue();
            T result;
            try
            {
                result = call.GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                cmdlet.WriteFailure(ex, target);
                continue;
            }

            write(result);
        }
    }
}
