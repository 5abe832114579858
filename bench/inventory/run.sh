#!/usr/bin/env bash
# Inventory benchmark: needs a running libvirtd (tools/Start-Libvirtd.sh), python3-libvirt and virsh.
# Usage: bench/inventory/run.sh [domain count, default 1000]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dotnet build "$here/InventoryBench.csproj" -c Release -nologo -v q >/dev/null
exec dotnet "$here/bin/Release/net10.0/InventoryBench.dll" "${1:-1000}" /usr/bin/python3
