#!/usr/bin/env bash
# Inventory benchmark: needs a running libvirtd (tools/Start-Libvirtd.sh), python3-libvirt and virsh.
# Runs the in-process driver measurements (InventoryBench), then the same inventory from a warm PowerShell session
# through the cmdlets (Measure-CmdletInventory.ps1), each against python3-libvirt in the same run.
# Usage: bench/inventory/run.sh [test domain count, default 1000] [qemu:///system domain count, default 5; 0 skips]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dotnet build "$here/InventoryBench.csproj" -c Release -nologo -v q >/dev/null
dotnet "$here/bin/Release/net10.0/InventoryBench.dll" "${1:-1000}" /usr/bin/python3 "${2:-5}"
echo
(cd "$root" && dotnet tool restore >/dev/null && dotnet pwsh -NoProfile -NonInteractive -File build.ps1 Build >/dev/null)
dotnet pwsh -NoProfile -NonInteractive -File "$here/Measure-CmdletInventory.ps1" -Count "${1:-1000}"
