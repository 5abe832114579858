<#
.SYNOPSIS
    Converts the module's markdown help (PlatyPS layout, schema 2.0.0) into MAML and about_ text files.
.DESCRIPTION
    Every <Verb-Noun>.md page in -HelpPath becomes one command:command element of the MAML file -OutputPath, which
    Get-Help reads for the cmdlets. Every about_*.md page becomes about_*.help.txt in -AboutOutputPath.
    The pages are checked while they are read: a missing section, a malformed yaml block or a syntax line that
    disagrees with the parameter blocks stops the conversion with an error naming the file and the section.
.EXAMPLE
    ./tools/Convert-HelpToMaml.ps1 -HelpPath docs/help -OutputPath out/LibVirtPS/en-US/LibVirtPS.dll-Help.xml -AboutOutputPath out/LibVirtPS/en-US
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $HelpPath,

    [Parameter(Mandatory)]
    [string] $OutputPath,

    [Parameter(Mandatory)]
    [string] $AboutOutputPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$NsMaml = 'http://schemas.microsoft.com/maml/2004/10'
$NsCommand = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$NsDev = 'http://schemas.microsoft.com/maml/dev/2004/10'

$RequiredSections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS'
$OptionalSections = 'NOTES', 'RELATED LINKS'
$YamlKeys = 'Type', 'Parameter Sets', 'Aliases', 'Required', 'Position', 'Default value', 'Accept pipeline input',
    'Accept wildcard characters'

function Stop-Conversion([string] $File, [string] $Section, [string] $Message) {
    throw "$([IO.Path]::GetFileName($File)), section '$Section': $Message"
}

#region Markdown structure

# Splits lines at headings of one level ('## ' or '### '), ignoring heading-like lines inside code fences.
# Returns the lines before the first heading as Preamble and one { Title; Lines } per heading.
function Split-ByHeading([string[]] $Lines, [int] $Level) {
    $marker = ('#' * $Level) + ' '
    $preamble = [Collections.Generic.List[string]]::new()
    $sections = [Collections.Generic.List[object]]::new()
    $current = $null
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($marker)) {
            $current = [pscustomobject]@{ Title = $line.Substring($marker.Length).Trim(); Lines = [Collections.Generic.List[string]]::new() }
            $sections.Add($current)
        }
        elseif ($current) { $current.Lines.Add($line) }
        else { $preamble.Add($line) }
    }
    [pscustomobject]@{ Preamble = $preamble.ToArray(); Sections = $sections.ToArray() }
}

function Assert-FencesClosed([string] $File, [string[]] $Lines) {
    $fences = @($Lines | Where-Object { $_ -match '^\s*```' }).Count
    if ($fences % 2 -ne 0) { Stop-Conversion $File 'body' 'a ``` code fence is not closed' }
}

# Turns body lines into blocks: Para (one paragraph, lines joined), Item (a list item) and Code (a fenced block).
function ConvertTo-Block([string[]] $Lines) {
    $blocks = [Collections.Generic.List[object]]::new()
    $text = [Collections.Generic.List[string]]::new()
    $code = $null
    $flush = {
        if ($text.Count -gt 0) {
            $joined = ($text -join ' ').Trim()
            $kind = if ($joined -match '^([-*]|\d+\.)\s') { 'Item' } else { 'Para' }
            $blocks.Add([pscustomobject]@{ Kind = $kind; Text = $joined; Language = ''; Lines = @() })
            $text.Clear()
        }
    }
    foreach ($line in $Lines) {
        if ($null -ne $code) {
            if ($line -match '^\s*```\s*$') {
                $blocks.Add([pscustomobject]@{ Kind = 'Code'; Text = ($code.Lines -join "`n"); Language = $code.Language; Lines = $code.Lines.ToArray() })
                $code = $null
            }
            else { $code.Lines.Add($line) }
        }
        elseif ($line -match '^\s*```\s*([\w-]*)\s*$') {
            & $flush
            $code = @{ Language = $Matches[1].ToLowerInvariant(); Lines = [Collections.Generic.List[string]]::new() }
        }
        elseif ($line.Trim() -eq '') { & $flush }
        elseif ($line -match '^\s*([-*]|\d+\.)\s') { & $flush; $text.Add($line.Trim()) }
        else { $text.Add($line.Trim()) }
    }
    & $flush
    $blocks.ToArray()
}

# Inline markdown that reads badly as plain text: links become their text (plus the address when it is absolute).
function ConvertFrom-InlineMarkdown([string] $Text) {
    [regex]::Replace($Text, '\[([^\]]+)\]\(([^)]*)\)', {
            param($m)
            if ($m.Groups[2].Value -match '^https?://') { "$($m.Groups[1].Value) ($($m.Groups[2].Value))" } else { $m.Groups[1].Value }
        })
}

function Get-PlainText([object[]] $Blocks) {
    (@($Blocks | ForEach-Object { ConvertFrom-InlineMarkdown $_.Text }) -join "`n`n").Trim()
}

#endregion

#region Reading a cmdlet page

function Read-FrontMatter([string] $File, [string[]] $Lines) {
    if ($Lines.Count -eq 0 -or $Lines[0].Trim() -ne '---') { Stop-Conversion $File 'front matter' 'the page must start with a --- front matter block' }
    $end = 1
    while ($end -lt $Lines.Count -and $Lines[$end].Trim() -ne '---') { $end++ }
    if ($end -ge $Lines.Count) { Stop-Conversion $File 'front matter' 'the front matter block is not closed with ---' }
    $values = @{}
    foreach ($line in $Lines[1..($end - 1)]) {
        if ($line.Trim() -eq '') { continue }
        if ($line -notmatch '^([^:]+):\s*(.*)$') { Stop-Conversion $File 'front matter' "not a 'Key: value' line: '$line'" }
        $values[$Matches[1].Trim()] = $Matches[2].Trim()
    }
    foreach ($key in 'external help file', 'Module Name', 'schema') {
        if (-not $values.ContainsKey($key)) { Stop-Conversion $File 'front matter' "missing '$key'" }
    }
    if ($values['schema'] -ne '2.0.0') { Stop-Conversion $File 'front matter' "schema '$($values['schema'])' is not 2.0.0" }
    [pscustomobject]@{ Values = $values; BodyStart = $end + 1 }
}

function Read-SyntaxSection([string] $File, [string] $Name, [string[]] $Lines) {
    $split = Split-ByHeading $Lines 3
    if ($split.Sections.Count -eq 0) { Stop-Conversion $File 'SYNTAX' 'no ### <ParameterSet> heading' }
    foreach ($set in $split.Sections) {
        if ($set.Title -notmatch '^(\S+)(\s+\(Default\))?$') { Stop-Conversion $File 'SYNTAX' "bad parameter set heading '$($set.Title)'" }
        $setName = $Matches[1]
        $isDefault = [bool]$Matches[2]
        $code = @(ConvertTo-Block $set.Lines | Where-Object Kind -EQ 'Code')
        if ($code.Count -ne 1) { Stop-Conversion $File "SYNTAX/$setName" 'expected exactly one fenced syntax block' }
        $line = ($code[0].Lines -join ' ').Trim()
        if (-not $line.StartsWith("$Name ") -and $line -ne $Name) { Stop-Conversion $File "SYNTAX/$setName" "the syntax does not start with '$Name'" }
        [pscustomobject]@{ SetName = $setName; IsDefault = $isDefault; Line = $line; Parameters = @(Read-SyntaxLine $line) }
    }
}

# Reads '[[-Name] <String[]>]', '-Uuid <Guid[]>', '[-PassThru]' from a syntax line, in order.
function Read-SyntaxLine([string] $Line) {
    $pattern = '(?<=^|\s)(?<open>\[*)-(?<name>\w+)(?<close>\])?(?:\s*<(?<type>[^>]+)>)?'
    foreach ($m in [regex]::Matches($Line, $pattern)) {
        $open = $m.Groups['open'].Value.Length
        $hasValue = $m.Groups['type'].Success
        $positional = $hasValue -and $m.Groups['close'].Success
        [pscustomobject]@{
            Name       = $m.Groups['name'].Value
            Type       = if ($hasValue) { $m.Groups['type'].Value } else { 'SwitchParameter' }
            Positional = $positional
            Required   = ($open - [int]$positional) -eq 0
        }
    }
}

function Read-YamlBlock([string] $File, [string] $Section, [string[]] $Lines) {
    $values = [ordered]@{}
    foreach ($line in $Lines) {
        if ($line.Trim() -eq '') { continue }
        if ($line -notmatch '^([A-Za-z][A-Za-z ]*):\s*(.*)$') { Stop-Conversion $File $Section "malformed yaml line '$line'" }
        $key = $Matches[1].Trim()
        if ($key -notin $YamlKeys) { Stop-Conversion $File $Section "unknown yaml key '$key'" }
        if ($values.Contains($key)) { Stop-Conversion $File $Section "yaml key '$key' appears twice" }
        $values[$key] = $Matches[2].Trim()
    }
    foreach ($key in $YamlKeys) {
        if (-not $values.Contains($key)) { Stop-Conversion $File $Section "yaml block lacks '$key'" }
    }
    foreach ($key in 'Required', 'Accept wildcard characters') {
        if ($values[$key] -notin 'True', 'False') { Stop-Conversion $File $Section "'$key' must be True or False, not '$($values[$key])'" }
    }
    if ($values['Position'] -notmatch '^(\d+|Named)$') { Stop-Conversion $File $Section "'Position' must be a number or Named, not '$($values['Position'])'" }
    if ($values['Accept pipeline input'] -notmatch '^(False|True \((ByValue|ByPropertyName)(, (ByValue|ByPropertyName))?\))$') {
        Stop-Conversion $File $Section "'Accept pipeline input' must be False or True (ByValue[, ByPropertyName]), not '$($values['Accept pipeline input'])'"
    }
    if ($values['Type'] -eq '') { Stop-Conversion $File $Section "'Type' is empty" }
    $sets = @($values['Parameter Sets'] -split ',' | ForEach-Object Trim | Where-Object { $_ })
    if ($sets.Count -eq 0) { Stop-Conversion $File $Section "'Parameter Sets' is empty" }
    $aliases = @($values['Aliases'] -split ',' | ForEach-Object Trim | Where-Object { $_ -and $_ -ne 'None' })
    [pscustomobject]@{
        Type          = $values['Type']
        Sets          = $sets
        Aliases       = $aliases
        Required      = $values['Required'] -eq 'True'
        Position      = $values['Position']
        DefaultValue  = $values['Default value']
        PipelineInput = $values['Accept pipeline input']
        Globbing      = $values['Accept wildcard characters'] -eq 'True'
    }
}

function Read-ParametersSection([string] $File, [string[]] $Lines, [string[]] $SetNames) {
    $parameters = [Collections.Generic.List[object]]::new()
    $hasCommon = $false
    foreach ($section in (Split-ByHeading $Lines 3).Sections) {
        if ($section.Title -eq 'CommonParameters') { $hasCommon = $true; continue }
        if ($section.Title -notmatch '^-(\w+)$') { Stop-Conversion $File 'PARAMETERS' "bad parameter heading '$($section.Title)'" }
        $name = $Matches[1]
        $where = "PARAMETERS/-$name"
        if ($parameters | Where-Object Name -EQ $name) { Stop-Conversion $File $where 'documented twice' }
        $blocks = @(ConvertTo-Block $section.Lines)
        $description = [Collections.Generic.List[object]]::new()
        $yaml = [Collections.Generic.List[object]]::new()
        foreach ($block in $blocks) {
            if ($block.Kind -eq 'Code' -and $block.Language -eq 'yaml') { $yaml.Add((Read-YamlBlock $File $where $block.Lines)) }
            elseif ($yaml.Count -gt 0) { Stop-Conversion $File $where 'text after the yaml block' }
            else { $description.Add($block) }
        }
        if ($description.Count -eq 0) { Stop-Conversion $File $where 'no description' }
        if ($yaml.Count -eq 0) { Stop-Conversion $File $where 'no ```yaml block' }
        $seen = @{}
        foreach ($block in $yaml) {
            if ($block.Sets.Count -eq 1 -and $block.Sets[0] -eq '(All)') { $block.Sets = $SetNames }
            foreach ($set in $block.Sets) {
                if ($set -notin $SetNames) { Stop-Conversion $File $where "parameter set '$set' is not in SYNTAX" }
                if ($seen[$set]) { Stop-Conversion $File $where "parameter set '$set' is described twice" }
                $seen[$set] = $true
            }
            if ($yaml[0].Type -ne $block.Type) { Stop-Conversion $File $where 'the yaml blocks disagree on Type' }
        }
        $parameters.Add([pscustomobject]@{ Name = $name; Description = $description.ToArray(); Yaml = $yaml.ToArray() })
    }
    if (-not $hasCommon) { Stop-Conversion $File 'PARAMETERS' 'no ### CommonParameters' }
    , $parameters.ToArray()
}

function Find-YamlForSet([object] $Parameter, [string] $SetName) {
    $Parameter.Yaml | Where-Object { $SetName -in $_.Sets } | Select-Object -First 1
}

# The syntax lines and the yaml blocks describe the same parameters twice: they must agree.
function Assert-SyntaxMatchesParameters([string] $File, [object[]] $Syntax, [object[]] $Parameters) {
    foreach ($set in $Syntax) {
        $where = "SYNTAX/$($set.SetName)"
        foreach ($p in $set.Parameters) {
            $doc = $Parameters | Where-Object Name -EQ $p.Name
            if (-not $doc) { Stop-Conversion $File $where "-$($p.Name) has no ### -$($p.Name) in PARAMETERS" }
            $yaml = Find-YamlForSet $doc $set.SetName
            if (-not $yaml) { Stop-Conversion $File $where "-$($p.Name) has no yaml block for this set" }
            if ($yaml.Type -ne $p.Type) { Stop-Conversion $File $where "-$($p.Name) is <$($p.Type)> here but '$($yaml.Type)' in its yaml" }
            if ($yaml.Required -ne $p.Required) { Stop-Conversion $File $where "-$($p.Name) required-ness differs from its yaml" }
            if (($yaml.Position -ne 'Named') -ne $p.Positional) { Stop-Conversion $File $where "-$($p.Name) position differs from its yaml" }
        }
        foreach ($doc in $Parameters) {
            if ((Find-YamlForSet $doc $set.SetName) -and -not ($set.Parameters | Where-Object Name -EQ $doc.Name)) {
                Stop-Conversion $File $where "-$($doc.Name) is in this set by its yaml but not in the syntax line"
            }
        }
    }
}

function Read-Example([string] $File, [object] $Section) {
    $where = "EXAMPLES/$($Section.Title)"
    $blocks = @(ConvertTo-Block $Section.Lines)
    $code = @($blocks | Where-Object { $_.Kind -eq 'Code' -and $_.Language -eq 'powershell' })
    if ($code.Count -eq 0) { Stop-Conversion $File $where 'no ```powershell block' }
    $remarks = @($blocks | Where-Object { $_ -notin $code })
    if (@($remarks | Where-Object { $_.Kind -eq 'Code' -and $_.Language -notin '', 'output', 'text' }).Count -gt 0) {
        Stop-Conversion $File $where 'an extra code block that is neither powershell nor plain output'
    }
    [pscustomobject]@{ Title = $Section.Title; Code = ($code.Text -join "`n`n"); Remarks = $remarks }
}

function Read-TypeList([string] $File, [string] $Section, [string[]] $Lines) {
    $types = @(foreach ($item in (Split-ByHeading $Lines 3).Sections) {
            [pscustomobject]@{ TypeName = $item.Title; Description = @(ConvertTo-Block $item.Lines) }
        })
    if ($types.Count -eq 0) { Stop-Conversion $File $Section 'no ### <TypeName> entry' }
    , $types
}

function Read-CommandPage([string] $File) {
    $lines = [IO.File]::ReadAllLines($File)
    Assert-FencesClosed $File $lines
    $front = Read-FrontMatter $File $lines
    $body = if ($front.BodyStart -lt $lines.Count) { $lines[$front.BodyStart..($lines.Count - 1)] } else { @() }
    $title = Split-ByHeading $body 1
    if ($title.Sections.Count -ne 1) { Stop-Conversion $File 'title' 'expected one # Verb-Noun heading' }
    $name = $title.Sections[0].Title
    $expected = [IO.Path]::GetFileNameWithoutExtension($File)
    if ($name -ne $expected) { Stop-Conversion $File 'title' "the heading '$name' does not match the file name" }
    if ($name -notmatch '^(\w+)-(\w+)$') { Stop-Conversion $File 'title' "'$name' is not a Verb-Noun name" }
    $verb, $noun = $Matches[1], $Matches[2]

    $sections = @{}
    foreach ($s in (Split-ByHeading $title.Sections[0].Lines 2).Sections) {
        if ($s.Title -notin ($RequiredSections + $OptionalSections)) { Stop-Conversion $File $s.Title 'unknown section' }
        if ($sections.ContainsKey($s.Title)) { Stop-Conversion $File $s.Title 'section appears twice' }
        $sections[$s.Title] = $s.Lines
    }
    foreach ($required in $RequiredSections) {
        if (-not $sections.ContainsKey($required)) { Stop-Conversion $File $required 'missing required section' }
        if (-not ($sections[$required] | Where-Object { $_.Trim() })) { Stop-Conversion $File $required 'section is empty' }
    }

    $syntax = @(Read-SyntaxSection $File $name $sections['SYNTAX'])
    $defaults = @($syntax | Where-Object IsDefault)
    if ($syntax.Count -gt 1 -and $defaults.Count -ne 1) { Stop-Conversion $File 'SYNTAX' 'several parameter sets need exactly one (Default)' }
    $parameters = Read-ParametersSection $File $sections['PARAMETERS'] @($syntax.SetName)
    Assert-SyntaxMatchesParameters $File $syntax $parameters

    $exampleSections = (Split-ByHeading $sections['EXAMPLES'] 3).Sections
    if ($exampleSections.Count -eq 0) { Stop-Conversion $File 'EXAMPLES' 'no ### Example heading' }
    $examples = @(foreach ($e in $exampleSections) { Read-Example $File $e })

    $links = @(foreach ($line in $sections['RELATED LINKS']) {
            foreach ($m in [regex]::Matches($line, '\[([^\]]+)\]\(([^)]*)\)')) {
                [pscustomobject]@{ Text = $m.Groups[1].Value; Uri = $m.Groups[2].Value }
            }
        })
    $online = $front.Values['online version']
    if ($online) { $links = @([pscustomobject]@{ Text = 'Online Version:'; Uri = $online }) + $links }

    [pscustomobject]@{
        Name        = $name
        Verb        = $verb
        Noun        = $noun
        Synopsis    = Get-PlainText (ConvertTo-Block $sections['SYNOPSIS'])
        Description = @(ConvertTo-Block $sections['DESCRIPTION'])
        Syntax      = $syntax
        Parameters  = $parameters
        Examples    = $examples
        Inputs      = Read-TypeList $File 'INPUTS' $sections['INPUTS']
        Outputs     = Read-TypeList $File 'OUTPUTS' $sections['OUTPUTS']
        Notes       = @(ConvertTo-Block $sections['NOTES'])
        Links       = $links
    }
}

#endregion

#region Writing MAML

function Write-Paragraphs([Xml.XmlWriter] $W, [object[]] $Blocks) {
    foreach ($block in $Blocks) {
        $text = if ($block.Kind -eq 'Code') { $block.Text } else { ConvertFrom-InlineMarkdown $block.Text }
        $W.WriteElementString('para', $NsMaml, $text)
    }
}

function Write-Description([Xml.XmlWriter] $W, [object[]] $Blocks) {
    $W.WriteStartElement('description', $NsMaml)
    Write-Paragraphs $W $Blocks
    $W.WriteEndElement()
}

function Write-ParameterElement([Xml.XmlWriter] $W, [object] $Parameter, [object] $Yaml, [bool] $Full) {
    $isSwitch = $Yaml.Type -eq 'SwitchParameter'
    $variable = $Yaml.Type.EndsWith('[]')
    $W.WriteStartElement('parameter', $NsCommand)
    $W.WriteAttributeString('required', $Yaml.Required.ToString().ToLowerInvariant())
    $W.WriteAttributeString('variableLength', $variable.ToString().ToLowerInvariant())
    $W.WriteAttributeString('globbing', $Yaml.Globbing.ToString().ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', $Yaml.PipelineInput)
    $W.WriteAttributeString('position', $(if ($Yaml.Position -eq 'Named') { 'named' } else { $Yaml.Position }))
    $W.WriteAttributeString('aliases', $(if ($Yaml.Aliases.Count) { $Yaml.Aliases -join ', ' } else { 'none' }))
    $W.WriteElementString('name', $NsMaml, $Parameter.Name)
    if ($Full) { Write-Description $W $Parameter.Description }
    if ($Full -or -not $isSwitch) {
        $W.WriteStartElement('parameterValue', $NsCommand)
        $W.WriteAttributeString('required', (-not $isSwitch).ToString().ToLowerInvariant())
        $W.WriteAttributeString('variableLength', $variable.ToString().ToLowerInvariant())
        $W.WriteString($Yaml.Type)
        $W.WriteEndElement()
    }
    if ($Full) {
        $W.WriteStartElement('type', $NsDev)
        $W.WriteElementString('name', $NsMaml, $Yaml.Type)
        $W.WriteEndElement()
        $W.WriteElementString('defaultValue', $NsDev, $Yaml.DefaultValue)
    }
    $W.WriteEndElement()
}

function Write-Syntax([Xml.XmlWriter] $W, [object] $Page) {
    $W.WriteStartElement('syntax', $NsCommand)
    # Get-Help lists the syntax items in document order; the default set goes first, as PowerShell shows it.
    $ordered = @($Page.Syntax | Where-Object IsDefault) + @($Page.Syntax | Where-Object { -not $_.IsDefault })
    foreach ($set in $ordered) {
        $W.WriteStartElement('syntaxItem', $NsCommand)
        $W.WriteElementString('name', $NsMaml, $Page.Name)
        foreach ($p in $set.Parameters) {
            $doc = $Page.Parameters | Where-Object Name -EQ $p.Name
            Write-ParameterElement $W $doc (Find-YamlForSet $doc $set.SetName) $false
        }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()
}

function Write-TypeList([Xml.XmlWriter] $W, [string] $ListElement, [string] $ItemElement, [object[]] $Types) {
    $W.WriteStartElement($ListElement, $NsCommand)
    foreach ($t in $Types) {
        $W.WriteStartElement($ItemElement, $NsCommand)
        $W.WriteStartElement('type', $NsDev)
        $W.WriteElementString('name', $NsMaml, $t.TypeName)
        $W.WriteEndElement()
        Write-Description $W $t.Description
        $W.WriteEndElement()
    }
    $W.WriteEndElement()
}

function Format-ExampleTitle([string] $Title) {
    $dashes = '-' * [Math]::Max(3, [int]((66 - $Title.Length) / 2))
    "$dashes $Title $dashes"
}

function Write-Command([Xml.XmlWriter] $W, [object] $Page) {
    $W.WriteStartElement('command', 'command', $NsCommand)
    $W.WriteAttributeString('xmlns', 'maml', $null, $NsMaml)
    $W.WriteAttributeString('xmlns', 'dev', $null, $NsDev)

    $W.WriteStartElement('details', $NsCommand)
    $W.WriteElementString('name', $NsCommand, $Page.Name)
    $W.WriteElementString('verb', $NsCommand, $Page.Verb)
    $W.WriteElementString('noun', $NsCommand, $Page.Noun)
    $W.WriteStartElement('description', $NsMaml)
    $W.WriteElementString('para', $NsMaml, $Page.Synopsis)
    $W.WriteEndElement()
    $W.WriteEndElement()

    Write-Description $W $Page.Description
    Write-Syntax $W $Page

    $W.WriteStartElement('parameters', $NsCommand)
    foreach ($p in $Page.Parameters) { Write-ParameterElement $W $p $p.Yaml[0] $true }
    $W.WriteEndElement()

    Write-TypeList $W 'inputTypes' 'inputType' $Page.Inputs
    Write-TypeList $W 'returnValues' 'returnValue' $Page.Outputs

    if ($Page.Notes.Count -gt 0) {
        $W.WriteStartElement('alertSet', $NsMaml)
        $W.WriteStartElement('alert', $NsMaml)
        Write-Paragraphs $W $Page.Notes
        $W.WriteEndElement()
        $W.WriteEndElement()
    }

    $W.WriteStartElement('examples', $NsCommand)
    foreach ($e in $Page.Examples) {
        $W.WriteStartElement('example', $NsCommand)
        $W.WriteElementString('title', $NsMaml, (Format-ExampleTitle $e.Title))
        $W.WriteElementString('code', $NsDev, $e.Code)
        $W.WriteStartElement('remarks', $NsDev)
        Write-Paragraphs $W $e.Remarks
        # An empty closing paragraph keeps a blank line between one example and the next title.
        $W.WriteElementString('para', $NsMaml, '')
        $W.WriteEndElement()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('relatedLinks', $NsCommand)
    foreach ($link in $Page.Links) {
        $W.WriteStartElement('navigationLink', $NsMaml)
        $W.WriteElementString('linkText', $NsMaml, $link.Text)
        $W.WriteElementString('uri', $NsMaml, $(if ($link.Uri -match '^https?://') { $link.Uri } else { '' }))
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteEndElement()
}

function Write-Maml([string] $Path, [object[]] $Pages) {
    $settings = [Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.Encoding = [Text.UTF8Encoding]::new($false)
    $writer = [Xml.XmlWriter]::Create($Path, $settings)
    try {
        $writer.WriteStartDocument()
        $writer.WriteStartElement('helpItems', 'http://msh')
        $writer.WriteAttributeString('schema', 'maml')
        foreach ($page in $Pages) { Write-Command $writer $page }
        $writer.WriteEndElement()
        $writer.WriteEndDocument()
    }
    finally { $writer.Dispose() }
}

#endregion

#region about_ topics

function Format-Wrapped([string] $Text, [int] $Indent, [int] $HangingIndent = $Indent, [int] $Width = 80) {
    $lines = [Collections.Generic.List[string]]::new()
    $line = ' ' * $Indent
    $empty = $true
    foreach ($word in ($Text -split '\s+' | Where-Object { $_ })) {
        if (-not $empty -and $line.Length + 1 + $word.Length -gt $Width) {
            $lines.Add($line)
            $line = ' ' * $HangingIndent
            $empty = $true
        }
        $line = if ($empty) { $line + $word } else { "$line $word" }
        $empty = $false
    }
    if (-not $empty) { $lines.Add($line) }
    $lines
}

function Format-AboutBlocks([object[]] $Blocks) {
    for ($i = 0; $i -lt $Blocks.Count; $i++) {
        $block = $Blocks[$i]
        switch ($block.Kind) {
            'Code' { $block.Lines | ForEach-Object { if ($_) { (' ' * 8) + $_ } else { '' } } }
            'Item' { Format-Wrapped (ConvertFrom-InlineMarkdown $block.Text) 4 6 }
            default { Format-Wrapped (ConvertFrom-InlineMarkdown $block.Text) 4 }
        }
        # The items of one list stay together; every other block ends with a blank line.
        $nextIsItem = $i + 1 -lt $Blocks.Count -and $Blocks[$i + 1].Kind -eq 'Item'
        if (-not ($block.Kind -eq 'Item' -and $nextIsItem)) { '' }
    }
}

# about_ text files keep the classic layout; Get-Help takes a topic's synopsis from the line after SHORT DESCRIPTION.
function Convert-AboutPage([string] $File, [string] $Destination) {
    $lines = [IO.File]::ReadAllLines($File)
    Assert-FencesClosed $File $lines
    $title = Split-ByHeading $lines 1
    $topic = [IO.Path]::GetFileNameWithoutExtension($File)
    if ($title.Sections.Count -ne 1 -or $title.Sections[0].Title -ne $topic) { Stop-Conversion $File 'title' "expected one '# $topic' heading" }
    $sections = (Split-ByHeading $title.Sections[0].Lines 2).Sections
    foreach ($required in 'SHORT DESCRIPTION', 'LONG DESCRIPTION') {
        if (-not ($sections | Where-Object Title -EQ $required)) { Stop-Conversion $File $required 'missing required section' }
    }
    $out = [Collections.Generic.List[string]]::new()
    $out.Add('TOPIC')
    $out.Add("    $topic")
    $out.Add('')
    foreach ($section in $sections) {
        $out.Add($section.Title.ToUpperInvariant())
        $split = Split-ByHeading $section.Lines 3
        if ($section.Title -eq 'SHORT DESCRIPTION') {
            $text = Get-PlainText (ConvertTo-Block $split.Preamble)
            if (-not $text) { Stop-Conversion $File $section.Title 'section is empty' }
            $out.Add("    $text")
            $out.Add('')
            continue
        }
        foreach ($l in (Format-AboutBlocks @(ConvertTo-Block $split.Preamble))) { $out.Add($l) }
        foreach ($sub in $split.Sections) {
            $out.Add("  $($sub.Title)")
            $out.Add('')
            foreach ($l in (Format-AboutBlocks @(ConvertTo-Block $sub.Lines))) { $out.Add($l) }
        }
    }
    while ($out.Count -gt 0 -and $out[$out.Count - 1] -eq '') { $out.RemoveAt($out.Count - 1) }
    [IO.File]::WriteAllText((Join-Path $Destination "$topic.help.txt"), ($out -join "`n") + "`n", [Text.UTF8Encoding]::new($false))
}

#endregion

$files = @(Get-ChildItem -Path $HelpPath -Filter '*.md' -File | Sort-Object Name)
$commandFiles = @($files | Where-Object { $_.Name -notlike 'about_*' })
$aboutFiles = @($files | Where-Object { $_.Name -like 'about_*' })
if ($commandFiles.Count -eq 0) { throw "No <Verb-Noun>.md help pages in $HelpPath" }

$pages = foreach ($f in $commandFiles) { Read-CommandPage $f.FullName }
$outDir = Split-Path -Parent ([IO.Path]::GetFullPath($OutputPath))
New-Item -ItemType Directory -Force -Path $outDir, $AboutOutputPath | Out-Null
Write-Maml ([IO.Path]::GetFullPath($OutputPath)) @($pages)
foreach ($f in $aboutFiles) { Convert-AboutPage $f.FullName ([IO.Path]::GetFullPath($AboutOutputPath)) }
Write-Verbose "Wrote help for $($commandFiles.Count) cmdlets and $($aboutFiles.Count) about topics"
