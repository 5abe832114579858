namespace LibVirtPS.Engine.Services;

/// <summary>How the engine reports verbose text and progress upward without knowing who listens.</summary>
public interface IOperationSink
{
    void Verbose(string message);

    void Progress(string activity, string status, int percentComplete);
}

/// <summary>A sink that drops everything.</summary>
public sealed class NullSink : IOperationSink
{
    public static readonly NullSink Instance = new();

    public void Verbose(string message)
    {
    }

    public void Progress(string activity, string status, int percentComplete)
    {
    }
}
