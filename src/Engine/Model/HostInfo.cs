namespace LibVirtPS.Engine.Model;

/// <summary>libvirt's virNodeInfo, with memory in bytes.</summary>
public sealed record NodeInfo(
    string CpuModel,
    long MemoryBytes,
    int Cpus,
    int MHz,
    int NumaNodes,
    int Sockets,
    int Cores,
    int Threads);

/// <summary>What a driver reports about the host it is connected to.</summary>
public sealed record HostInfo(
    string Hostname,
    string HypervisorType,
    Version HypervisorVersion,
    Version LibvirtVersion,
    NodeInfo Node);
