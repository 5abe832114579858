BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../LibVirtPS.TestHelpers.psm1') -Force
    Import-LibVirtPSUnderTest
}

Describe 'Get-VirtDomainXml' -Tag Unit {
    BeforeAll {
        $script:default = Get-VirtHost
        $script:lab = New-TestHost -Domain @(@{ Name = 'x1'; State = 'Running' }) }
    AfterAll { Remove-TestHost }

    It 'has exactly the documented parameters' {
        Get-DeclaredParameter Get-VirtDomainXml | Should -Be @('Inactive', 'InputObject', 'Name', 'Server', 'Uuid')
    }

    It 'returns the live definition with the domain id' {
        $xml = [xml](Get-VirtDomainXml x1 -Server $lab)
        $xml.domain.name | Should -Be 'x1'
        $xml.domain.id | Should -Be ([string](Get-VirtDomain x1 -Server $lab).Id)
    }

    It 'returns the persistent definition without an id with -Inactive' {
        $xml = [xml](Get-VirtDomain x1 -Server $lab | Get-VirtDomainXml -Inactive)
        $xml.domain.name | Should -Be 'x1'
        $xml.domain.GetAttribute('id') | Should -BeNullOrEmpty
    }

    It 'writes the XML of piped domains in input order, and an error for one that is gone without losing the others' {
        $piped = New-TestHost -Domain @(1..6 | ForEach-Object { @{ Name = "p$_" } })
        $domains = Get-VirtDomain -Server $piped | Sort-Object Name -Descending
        Remove-VirtDomain p3 -Server $piped -Confirm:$false

        $xml = @($domains | Get-VirtDomainXml -ErrorVariable failures -ErrorAction SilentlyContinue)

        $xml | ForEach-Object { ([xml]$_).domain.name } | Should -Be @('p6', 'p5', 'p4', 'p2', 'p1')
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'DomainNotFound,LibVirtPS.Commands.Domain.GetVirtDomainXmlCommand'
    }

    It 'returns the default domain of test:///default' {
        ([xml](Get-VirtDomainXml test -Server $default)).domain.devices.disk.source.file | Should -Be '/guest/diskimage1'
    }
}
