namespace LibVirtPS.Engine.Xml;

/// <summary>libvirt's storage source types (virStorageType), as the type attribute of disk and backingStore.</summary>
public enum StorageType
{
    File,
    Block,
    Dir,
    Network,
    Volume,
    Nvme,
    VhostUser,
    VhostVdpa,
}

/// <summary>The device attribute of a disk.</summary>
public enum DiskDevice
{
    Disk,
    Cdrom,
    Floppy,
    Lun,
}

/// <summary>The protocol attribute of a network source (virStorageNetProtocol).</summary>
public enum NetworkProtocol
{
    Nbd,
    Rbd,
    Sheepdog,
    Gluster,
    Iscsi,
    Http,
    Https,
    Ftp,
    Ftps,
    Tftp,
    Ssh,
    Vxhs,
    Nfs,
}

/// <summary>The transport attribute of a network source's host.</summary>
public enum HostTransport
{
    Tcp,
    Unix,
    Rdma,
}

/// <summary>The string table of every XML enum the parsers check.</summary>
public static class XmlEnums
{
    public static readonly EnumMap<StorageType> StorageTypes = new(
        (StorageType.File, "file"),
        (StorageType.Block, "block"),
        (StorageType.Dir, "dir"),
        (StorageType.Network, "network"),
        (StorageType.Volume, "volume"),
        (StorageType.Nvme, "nvme"),
        (StorageType.VhostUser, "vhostuser"),
        (StorageType.VhostVdpa, "vhostvdpa"));

    public static readonly EnumMap<DiskDevice> DiskDevices = new(
        (DiskDevice.Disk, "disk"),
        (DiskDevice.Cdrom, "cdrom"),
        (DiskDevice.Floppy, "floppy"),
        (DiskDevice.Lun, "lun"));

    public static readonly EnumMap<NetworkProtocol> NetworkProtocols = new(
        (NetworkProtocol.Nbd, "nbd"),
        (NetworkProtocol.Rbd, "rbd"),
        (NetworkProtocol.Sheepdog, "sheepdog"),
        (NetworkProtocol.Gluster, "gluster"),
        (NetworkProtocol.Iscsi, "iscsi"),
        (NetworkProtocol.Http, "http"),
        (NetworkProtocol.Https, "https"),
        (NetworkProtocol.Ftp, "ftp"),
        (NetworkProtocol.Ftps, "ftps"),
        (NetworkProtocol.Tftp, "tftp"),
        (NetworkProtocol.Ssh, "ssh"),
        (NetworkProtocol.Vxhs, "vxhs"),
        (NetworkProtocol.Nfs, "nfs"));

    public static readonly EnumMap<HostTransport> HostTransports = new(
        (HostTransport.Tcp, "tcp"),
        (HostTransport.Unix, "unix"),
        (HostTransport.Rdma, "rdma"));
}
