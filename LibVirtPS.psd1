@{
    RootModule           = 'LibVirtPS.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0c7f0e-3d6a-4a55-9a43-2f1f6c2f8e21'
    Author               = 'LibVirtPS contributors'
    CompanyName          = 'LibVirtPS'
    Copyright            = '(c) LibVirtPS contributors. MIT License.'
    Description          = 'Manage libvirt hosts (QEMU/KVM, LXC, Xen, ...) and their domains, disks and backing chains from PowerShell, with no native libvirt library.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @(
        'formats/LibVirtPS.Host.Format.ps1xml',
        'formats/LibVirtPS.Domain.Format.ps1xml',
        'formats/LibVirtPS.Disk.Format.ps1xml',
        'formats/LibVirtPS.Chain.Format.ps1xml'
    )
    CmdletsToExport      = @(
        'Connect-VirtHost',
        'Disconnect-VirtHost',
        'Get-VirtHost',
        'Get-VirtDomain',
        'New-VirtDomain',
        'Remove-VirtDomain',
        'Start-VirtDomain',
        'Stop-VirtDomain',
        'Restart-VirtDomain',
        'Suspend-VirtDomain',
        'Resume-VirtDomain',
        'Get-VirtDomainXml',
        'Get-VirtDisk',
        'Get-VirtBackingChain',
        'Test-VirtBackingChain',
        'Find-VirtOrphanedImage'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('libvirt', 'KVM', 'QEMU', 'virtualization', 'Linux', 'Windows', 'macOS')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}
