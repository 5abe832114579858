BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../LibVirtPS.TestHelpers.psm1') -Force
    Import-LibVirtPSUnderTest
    $script:module = Get-Module LibVirtPS
    $script:repo = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent | Split-Path -Parent
}

Describe 'Module conformance' -Tag Unit {
    It 'exports exactly the cmdlets the assembly defines' {
        $defined = [System.AppDomain]::CurrentDomain.GetAssemblies().Where({ $_.GetName().Name -eq 'LibVirtPS' })[0].GetTypes() |
            ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { "$($_.VerbName)-$($_.NounName)" }
        ($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be ($defined | Sort-Object)
        $manifest = Import-PowerShellDataFile (Join-Path $module.ModuleBase 'LibVirtPS.psd1')
        ($manifest.CmdletsToExport | Sort-Object) | Should -Be ($defined | Sort-Object)
    }

    It 'uses approved verbs and singular Virt nouns' {
        $verbs = (Get-Verb).Verb
        foreach ($c in $module.ExportedCmdlets.Values) {
            $c.Verb | Should -BeIn $verbs
            $c.Noun | Should -Match '^Virt[A-Z][A-Za-z]+[^s]$'
        }
    }

    It 'declares OutputType on every cmdlet, and every output type has a view' {
        $views = Get-ChildItem (Join-Path $module.ModuleBase 'formats') -Filter *.ps1xml |
            ForEach-Object { ([xml](Get-Content -Raw $_.FullName)).Configuration.ViewDefinitions.View.ViewSelectedBy.TypeName }
        foreach ($c in $module.ExportedCmdlets.Values) {
            $c.OutputType | Should -Not -BeNullOrEmpty -Because "$($c.Name) declares its output"
            foreach ($t in $c.OutputType.Type) {
                if ($t -in [string], [void], [bool]) { continue }
                $t.FullName | Should -BeIn $views -Because "$($c.Name) outputs $($t.FullName)"
            }
        }
    }

    It 'supports ShouldProcess on every state-changing cmdlet' {
        $changing = $module.ExportedCmdlets.Values.Where({ $_.Verb -notin 'Get', 'Test', 'Find' })
        foreach ($c in $changing) {
            $c.Parameters.ContainsKey('WhatIf') | Should -BeTrue -Because "$($c.Name) changes state"
        }
    }

    It 'gives every cmdlet a test file and tags every Describe Unit or Integration' {
        foreach ($c in $module.ExportedCmdlets.Keys) {
            Join-Path $repo "tests/Pester/Cmdlets/$c.Tests.ps1" | Should -Exist
        }
        foreach ($file in Get-ChildItem (Join-Path $repo 'tests/Pester') -Recurse -Filter *.Tests.ps1) {
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref]$null, [ref]$null)
            $describes = $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] -and $n.GetCommandName() -eq 'Describe' }, $true)
            foreach ($d in $describes) {
                $text = $d.Extent.Text
                $text | Should -Match '-Tag\s+(Unit|Integration)\b' -Because "$($file.Name) must tag '$($d.CommandElements[1])'"
            }
        }
    }

    It 'keeps PowerShell out of the engine and driver assemblies' {
        foreach ($name in 'LibVirtPS.Engine', 'LibVirtPS.Drivers') {
            $asm = [System.Reflection.Assembly]::LoadFrom((Join-Path $module.ModuleBase "$name.dll"))
            $asm.GetReferencedAssemblies().Name | Should -Not -Contain 'System.Management.Automation'
        }
    }

    It 'completes domain names' {
        $r = TabExpansion2 -inputScript 'Get-VirtDomain te' -cursorColumn 17
        $r.CompletionMatches.CompletionText | Should -Contain 'test'
    }
}
