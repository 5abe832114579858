using System.Management.Automation;

namespace LibVirtPS.Commands.Common;

/// <summary>
/// Engine calls started one per pipeline input and taken back in input order. Up to <c>window</c> calls run at once,
/// so that piped domains of a remote host cost about one round trip per window rather than one each; a result is
/// handed out as soon as every earlier one has been, and a failed call writes its error in its turn. Used from the
/// pipeline thread only: <see cref="Finished"/> in ProcessRecord, <see cref="All"/> in EndProcessing.
/// </summary>
internal sealed class OrderedCalls<T>(LibVirtCmdlet cmdlet, int window)
{
    private readonly Queue<(object? Target, Task<T> Call)> _pending = new();

    /// <summary>Starts the call for one input; <paramref name="target"/> names it in an error record.</summary>
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
    }

    /// <summary>The results finished at the head of the queue, waiting for the head only while the window is full.</summary>
    public IEnumerable<T> Finished() => Take(waitWhileAtLeast: window);

    /// <summary>Every remaining result, in order: the end of the pipeline input.</summary>
    public IEnumerable<T> All() => Take(waitWhileAtLeast: 1);

    private IEnumerable<T> Take(int waitWhileAtLeast)
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

            yield return result;
        }
    }
}
