namespace LibVirtPS.Engine.Model;

/// <summary>libvirt's virDomainState, with libvirt's numeric values.</summary>
public enum DomainState
{
    NoState = 0,
    Running = 1,
    Blocked = 2,
    Paused = 3,
    Shutdown = 4,
    ShutOff = 5,
    Crashed = 6,
    PMSuspended = 7,
}
