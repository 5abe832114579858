#!/usr/bin/env bash
# Prepares and starts a system libvirtd for the Integration tests (Debian 12, root). Idempotent: when a libvirtd
# already answers on its socket, it returns at once. Anywhere else it says loudly why Integration tests will skip.
set -u

SOCKET=/var/run/libvirt/libvirt-sock
PACKAGES="libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 qemu-utils"

skip() {
    echo "!!! Start-Libvirtd: $* - Integration tests will be SKIPPED" >&2
    exit 0
}

socket_answers() {
    [ -S "$SOCKET" ] || return 1
    if command -v virsh >/dev/null 2>&1; then
        timeout 5 virsh -q -c qemu:///system uri >/dev/null 2>&1
    else
        return 0
    fi
}

if socket_answers; then
    echo "Start-Libvirtd: libvirtd already answers on $SOCKET"
    exit 0
fi

[ "$(uname -s)" = "Linux" ] || skip "not Linux"
[ "$(id -u)" -eq 0 ] || skip "not running as root (cannot install or start the system libvirtd)"
[ -f /etc/debian_version ] || skip "not Debian (packages are installed with apt-get only on Debian)"

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "Start-Libvirtd: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q $missing </dev/null; then
        apt-get update -q </dev/null && apt-get install -y -q $missing </dev/null || skip "apt-get could not install$missing"
    fi
fi

groupadd -f kvm
groupadd -f libvirt-qemu
id libvirt-qemu >/dev/null 2>&1 || useradd -r -g libvirt-qemu -G kvm -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
mkdir -p /var/log/libvirt /var/run/libvirt /var/lib/libvirt/images

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

pid_alive /run/virtlogd.pid || virtlogd -d || skip "virtlogd did not start"
if ! pid_alive /run/libvirtd.pid; then
    rm -f /run/libvirtd.pid
    libvirtd -d || skip "libvirtd did not start"
fi

for _ in $(seq 1 100); do
    if socket_answers; then
        echo "Start-Libvirtd: libvirtd is ready on $SOCKET"
        exit 0
    fi
    sleep 0.1
done
skip "libvirtd started but $SOCKET does not answer after 10 s"
