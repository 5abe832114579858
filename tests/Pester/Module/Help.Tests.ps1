# Checks that every exported cmdlet has complete help built from docs/help, and that the help converter rejects
# pages it cannot convert faithfully.

BeforeDiscovery {
    function Find-RepoRoot([string] $start) {
        $dir = $start
        while ($dir -and -not (Test-Path (Join-Path $dir 'LibVirtPS.slnx'))) { $dir = Split-Path $dir -Parent }
        if (-not $dir) { throw "No LibVirtPS.slnx above $start" }
        $dir
    }
    $repo = Find-RepoRoot $PSScriptRoot
    $manifestPath = if ($env:LIBVIRTPS_MODULE) { $env:LIBVIRTPS_MODULE } else { Join-Path $repo 'out/LibVirtPS/LibVirtPS.psd1' }
    # Discovery only needs the names: the manifest lists exactly what the module exports.
    $cmdlets = (Import-PowerShellDataFile $manifestPath).CmdletsToExport | ForEach-Object { @{ Name = $_ } }
    $pages = Get-ChildItem (Join-Path $repo 'docs/help') -Filter '*.md' | ForEach-Object { @{ Page = $_.BaseName } }
}

BeforeAll {
    function Find-RepoRoot([string] $start) {
        $dir = $start
        while ($dir -and -not (Test-Path (Join-Path $dir 'LibVirtPS.slnx'))) { $dir = Split-Path $dir -Parent }
        if (-not $dir) { throw "No LibVirtPS.slnx above $start" }
        $dir
    }
    $script:repo = Find-RepoRoot $PSScriptRoot
    $modulePath = if ($env:LIBVIRTPS_MODULE) { $env:LIBVIRTPS_MODULE } else { Join-Path $repo 'out/LibVirtPS/LibVirtPS.psd1' }
    Import-Module $modulePath -Force
    $script:helpFolder = Join-Path $repo 'docs/help'
    $script:exported = @((Get-Module LibVirtPS).ExportedCmdlets.Keys)
    $script:common = [System.Management.Automation.PSCmdlet]::CommonParameters
}

Describe 'Cmdlet help' -Tag Unit {
    Context '<Name>' -ForEach $cmdlets {
        BeforeAll {
            $command = Get-Command $Name -Module LibVirtPS
            $help = Get-Help $Name -Full
            $documented = @($help.parameters.parameter)
        }

        It 'has a help page in docs/help' {
            Join-Path $helpFolder "$Name.md" | Should -Exist
        }

        It 'has a synopsis of its own' {
            $help.Synopsis | Should -Not -BeNullOrEmpty
            # Without help, PowerShell puts the syntax line in the synopsis.
            $help.Synopsis | Should -Not -Match "^\s*$([regex]::Escape($Name))(\s|$)"
        }

        It 'has a description' {
            ($help.description.Text -join '').Trim() | Should -Not -BeNullOrEmpty
        }

        It 'has examples with code' {
            $examples = @($help.examples.example | Where-Object { $_ })
            $examples.Count | Should -BeGreaterOrEqual 1
            foreach ($example in $examples) {
                $example.code | Should -Not -BeNullOrEmpty -Because "every example of $Name shows a command"
            }
        }

        It 'shows a syntax for every parameter set' {
            @($help.syntax.syntaxItem).Count | Should -Be $command.ParameterSets.Count
        }

        It 'documents every parameter with a description' {
            $missing = foreach ($parameter in $command.Parameters.Keys.Where({ $_ -notin $common })) {
                $entry = $documented | Where-Object name -EQ $parameter
                if (-not $entry -or -not ($entry.description.Text -join '').Trim()) { $parameter }
            }
            $missing | Should -BeNullOrEmpty -Because 'each parameter needs a ### -Name section with text'
        }

        It 'marks each parameter Required as the cmdlet does in one of its parameter sets' {
            $wrong = foreach ($entry in $documented) {
                $metadata = $command.Parameters[$entry.name]
                if (-not $metadata) { "$($entry.name) (not a parameter of $Name)"; continue }
                $required = [bool]::Parse($entry.required)
                if ($required -notin $metadata.ParameterSets.Values.IsMandatory) { "$($entry.name) (Required: $required)" }
            }
            $wrong | Should -BeNullOrEmpty
        }
    }
}

Describe 'Help pages' -Tag Unit {
    It '<Page> names an exported cmdlet or an about_ topic' -ForEach $pages {
        if ($Page -like 'about_*') {
            $Page | Should -BeExactly 'about_LibVirtPS'
        }
        else {
            $Page | Should -BeIn $exported
        }
    }

    It 'Get-Help about_LibVirtPS shows the conceptual topic' {
        $topic = Get-Help about_LibVirtPS
        $topic.Name | Should -Be 'about_LibVirtPS'
        $text = $topic | Out-String
        $text | Should -Match 'SHORT DESCRIPTION'
        $text | Should -Match 'samples/lab\.xml'
    }
}

Describe 'Convert-HelpToMaml' -Tag Unit {
    BeforeAll {
        $converter = Join-Path $repo 'tools/Convert-HelpToMaml.ps1'
        $page = Get-Content -Raw (Join-Path $helpFolder 'Get-VirtHost.md')

        function Invoke-Converter([string] $name, [string] $text) {
            $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
            New-Item -ItemType Directory -Path $folder | Out-Null
            Set-Content -Path (Join-Path $folder "$name.md") -Value $text
            & $converter -HelpPath $folder -OutputPath (Join-Path $folder 'out/Test-Help.xml') -AboutOutputPath (Join-Path $folder 'out')
            Join-Path $folder 'out/Test-Help.xml'
        }
    }

    It 'writes a command with its syntax, parameters and examples' {
        $xml = [xml](Get-Content -Raw (Invoke-Converter 'Get-VirtHost' $page))
        $command = $xml.helpItems.command
        $command.details.name | Should -Be 'Get-VirtHost'
        $command.syntax.syntaxItem.parameter.name | Should -Be 'Name'
        $command.syntax.syntaxItem.parameter.position | Should -Be '0'
        $command.syntax.syntaxItem.parameter.globbing | Should -Be 'true'
        $command.parameters.parameter.parameterValue.'#text' | Should -Be 'String[]'
        @($command.examples.example).Count | Should -BeGreaterOrEqual 2
    }

    It 'takes the attributes of a parameter from the yaml block of each parameter set' {
        # -State made mandatory in the Uuid set only: two yaml blocks, as PlatyPS writes them.
        $text = (Get-Content -Raw (Join-Path $helpFolder 'Get-VirtDomain.md')) -replace "`r`n", "`n"
        $text = $text.Replace('Get-VirtDomain -Uuid <Guid[]> [-State <DomainState[]>]', 'Get-VirtDomain -Uuid <Guid[]> -State <DomainState[]>')
        $block = "``````yaml`nType: DomainState[]`nParameter Sets: {0}`nAliases:`n`nRequired: {1}`nPosition: Named`nDefault value: None`nAccept pipeline input: False`nAccept wildcard characters: False`n``````"
        $text = $text.Replace(($block -f '(All)', 'False'), ($block -f 'Name', 'False') + "`n`n" + ($block -f 'Uuid', 'True'))
        $xml = [xml](Get-Content -Raw (Invoke-Converter 'Get-VirtDomain' $text))
        $items = @($xml.helpItems.command.syntax.syntaxItem)
        ($items[0].parameter | Where-Object name -EQ 'State').required | Should -Be 'false'
        ($items[1].parameter | Where-Object name -EQ 'State').required | Should -Be 'true'
    }

    It 'names the file and the section of a page without a required section' {
        $broken = $page -replace '(?ms)^## DESCRIPTION.*?(?=^## EXAMPLES)', ''
        { Invoke-Converter 'Get-VirtHost' $broken } | Should -Throw "*Get-VirtHost.md, section 'DESCRIPTION'*"
    }

    It 'rejects a yaml block with a malformed line' {
        $broken = $page -replace 'Required: False', 'Required False'
        { Invoke-Converter 'Get-VirtHost' $broken } | Should -Throw "*Get-VirtHost.md, section 'PARAMETERS/-Name'*malformed yaml*"
    }

    It 'rejects a syntax line that disagrees with the parameter blocks' {
        $broken = $page -replace '\[\[-Name\] <String\[\]>\]', '[-Name] <String[]>'
        { Invoke-Converter 'Get-VirtHost' $broken } | Should -Throw "*section 'SYNTAX/__AllParameterSets'*required*"
    }
}
