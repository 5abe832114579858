namespace LibVirtPS.Engine.Chains;

/// <summary>What kind of problem a chain health check found.</summary>
public enum ChainFindingKind
{
    MissingLayer,
    UnreadableLayer,
    Loop,
    TooDeep,
    InvalidLayer,
    UnknownFormat,
    BackingFormatNotRecorded,
    NotProbed,
    XmlDisagreesWithImage,
    RelativeReferenceBreaksOnMove,
    RelativeDataFile,
    LayerSharedByRunningDomains,
    ImageWarning,
}

/// <summary>Error: the chain is broken or unsafe. Warning: it works now but is fragile. Information: worth knowing.</summary>
public enum ChainFindingSeverity
{
    Error,
    Warning,
    Information,
}

/// <summary>One problem of one chain, at the depth of the element it concerns.</summary>
public sealed record ChainFinding(
    ChainFindingKind Kind,
    ChainFindingSeverity Severity,
    int Depth,
    string? Path,
    string Message)
{
    public string? Domain { get; init; }
    public string? Target { get; init; }

    public override string ToString() => $"{Severity} {Kind} at depth {Depth}: {Message}";
}

/// <summary>A disk chain of a domain, with whether the domain runs (for the shared-layer check).</summary>
public sealed record DomainDiskChain(string Domain, string? Target, bool Running, IReadOnlyList<LibVirtPS.Engine.Model.BackingChainElement> Chain);
