using System.Management.Automation;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Common;

/// <summary>
/// The base of every LibVirtPS cmdlet: resolves the hosts to act on, runs engine tasks on the pipeline thread with
/// a token that Ctrl+C cancels, forwards engine messages, and maps errors in one place.
/// </summary>
public abstract class LibVirtCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();

    protected internal CancellationToken CancellationToken => _cancellation.Token;

    protected ModuleSession Session => ModuleSession.Current;

    protected override void StopProcessing() => _cancellation.Cancel();

    public void Dispose()
    {
        _cancellation.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The explicit hosts, else the session's connected hosts, else the default host.</summary>
    protected IReadOnlyList<VirtHost> ResolveHosts(VirtHost[]? explicitHosts) =>
        explicitHosts is { Length: > 0 } ? explicitHosts : Run(Session.TargetHostsAsync);

    /// <summary>Runs an engine task to completion on the pipeline thread and rethrows its real exception.</summary>
    protected internal T Run<T>(Func<CancellationToken, Task<T>> work) => work(CancellationToken).GetAwaiter().GetResult();

    protected void Run(Func<CancellationToken, Task> work) => work(CancellationToken).GetAwaiter().GetResult();

    /// <summary>Enumerates an engine stream on the pipeline thread, handing each item over as it arrives.</summary>
    protected internal IEnumerable<T> Stream<T>(IAsyncEnumerable<T> source)
    {
        var enumerator = source.GetAsyncEnumerator(CancellationToken);
        try
        {
            while (enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                yield return enumerator.Current;
            }
        }
        finally
        {
            enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>The items of a multi-host query; each host that failed reports its own error.</summary>
    protected internal IEnumerable<T> Successful<T>(IEnumerable<HostResult<T>> results)
    {
        foreach (var result in results)
        {
            if (result.Error is not null)
            {
                WriteFailure(result.Error, result.Host.Name);
            }
            else if (result.Item is not null)
            {
                yield return result.Item;
            }
        }
    }

    /// <summary>Writes a non-terminating error for one failed input; the pipeline goes on with the others.</summary>
    protected internal void WriteFailure(Exception exception, object? target)
    {
        if (exception is OperationCanceledException && CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }

        WriteError(ErrorMapper.ToErrorRecord(exception, target));
    }

    /// <summary>Runs one unit of work; a failure becomes a non-terminating error and false.</summary>
    protected bool TryInvoke(object? target, Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (Exception ex) when (ex is not PipelineStoppedException and not ParameterBindingException)
        {
            WriteFailure(ex, target);
            return false;
        }
    }

    /// <summary>A sink that turns engine messages into verbose output and progress records.</summary>
    protected IOperationSink Sink => new CmdletSink(this);

    private sealed class CmdletSink : IOperationSink
    {
        private readonly Cmdlet _cmdlet;

        public CmdletSink(Cmdlet cmdlet) => _cmdlet = cmdlet;

        public void Verbose(string message) => _cmdlet.WriteVerbose(message);

        public void Progress(string activity, string status, int percentComplete) =>
            _cmdlet.WriteProgress(new ProgressRecord(0, activity, status) { PercentComplete = percentComplete });
    }
}
