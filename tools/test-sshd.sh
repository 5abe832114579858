#!/usr/bin/env bash
# A throwaway sshd on 127.0.0.1 for the SSH integration tests, with its own config, keys and port in one folder.
#
#   test-sshd.sh start DIR     create DIR, make keys and a config, start sshd on a free high port, write DIR/env
#   test-sshd.sh kill DIR      SIGKILL sshd and every session it runs (a crash, for the dropped-connection tests)
#   test-sshd.sh restart DIR   start sshd again with the same port and keys
#   test-sshd.sh stop DIR      stop sshd and its sessions, then remove DIR
#
# DIR/env holds KEY=VALUE lines: PORT, PID, USER, CLIENT_KEY, ENCRYPTED_KEY, KEY_PASSPHRASE, HOST_KEY_PUB (ed25519),
# HOST_RSA_KEY_PUB, OTHER_HOST_KEY_PUB, PASSWORD (empty when password logins are not possible here, and PASSWORD_REASON says why).
#
# Password logins: the libvirtd socket answers only root here (other peers need polkit), so the tests log in as
# root. Root's password is set only inside this sshd's private mount namespace, where a copy of /etc/shadow with
# a random test password is mounted over the real one; the real password file is never changed.
# Exit status 2 means sshd cannot run on this machine; the reason is on stderr.
set -u

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|kill|restart|stop DIR" >&2; exit 64; }

cannot() {
    echo "test-sshd: $*" >&2
    exit 2
}

# The sshd listener's children (one per session) and theirs, found by parent process id.
descendants() {
    local child
    for child in $(pgrep -P "$1" 2>/dev/null); do
        descendants "$child"
        echo "$child"
    done
}

signal_all() {
    local signal=$1 pid
    [ -f "$dir/sshd.pid" ] || return 0
    pid=$(cat "$dir/sshd.pid")
    kill -0 "$pid" 2>/dev/null || return 0
    # shellcheck disable=SC2046
    kill "-$signal" $(descendants "$pid") "$pid" 2>/dev/null
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
}

# Starts sshd with the config in DIR: inside a private mount namespace that sees the test shadow file when password
# logins are on, else plainly. sshd binds its port before it detaches, so a taken port fails here.
launch() {
    rm -f "$dir/sshd.pid"
    if grep -q '^PasswordAuthentication yes' "$dir/sshd_config"; then
        unshare --mount --propagation private /bin/sh -c \
            'mount --bind "$1" /etc/shadow && exec /usr/sbin/sshd -f "$2" -E "$3"' sh \
            "$dir/shadow" "$dir/sshd_config" "$dir/sshd.log"
    else
        /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log"
    fi
}

wait_ready() {
    for _ in $(seq 1 50); do
        [ -s "$dir/sshd.pid" ] && (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    cannot "sshd wrote no pid file or does not listen on port $1 (see $dir/sshd.log)"
}

write_config() {
    cat > "$dir/sshd_config" <<EOF
Port $1
ListenAddress 127.0.0.1
HostKey $dir/host_ed25519
HostKey $dir/host_rsa
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin yes
PubkeyAuthentication yes
PasswordAuthentication $2
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
MaxStartups 100
MaxSessions 100
LogLevel VERBOSE
EOF
}

start() {
    [ "$(uname -s)" = "Linux" ] || cannot "not Linux"
    [ "$(id -u)" -eq 0 ] || cannot "not running as root (sshd must switch users and read the libvirtd socket as root)"
    if [ ! -x /usr/sbin/sshd ]; then
        [ -f /etc/debian_version ] || cannot "openssh-server is missing and this is not Debian"
        export DEBIAN_FRONTEND=noninteractive
        if ! apt-get install -y -q openssh-server </dev/null >/dev/null; then
            apt-get update -q </dev/null >/dev/null && apt-get install -y -q openssh-server </dev/null >/dev/null \
                || cannot "apt-get could not install openssh-server"
        fi
    fi
    command -v ssh-keygen >/dev/null || cannot "ssh-keygen is missing"

    mkdir -p -m 0700 "$dir" || cannot "cannot create $dir"
    mkdir -p -m 0755 /run/sshd
    ssh-keygen -q -t ed25519 -N '' -C test-host -f "$dir/host_ed25519" || cannot "ssh-keygen failed"
    ssh-keygen -q -t rsa -b 2048 -N '' -C test-host-rsa -f "$dir/host_rsa"
    ssh-keygen -q -t ed25519 -N '' -C other-host -f "$dir/other_ed25519"
    ssh-keygen -q -t ed25519 -N '' -C test-client -f "$dir/client_ed25519"
    local passphrase
    passphrase=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
    ssh-keygen -q -t ed25519 -N "$passphrase" -C test-client-encrypted -f "$dir/client_encrypted"
    cat "$dir/client_ed25519.pub" "$dir/client_encrypted.pub" > "$dir/authorized_keys"

    local password="" reason="" passwords=no
    if command -v openssl >/dev/null && command -v unshare >/dev/null; then
        password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
        local hash
        hash=$(printf '%s' "$password" | openssl passwd -6 -stdin)
        awk -F: -v OFS=: -v h="$hash" '$1 == "root" { $2 = h } { print }' /etc/shadow > "$dir/shadow"
        chmod 0600 "$dir/shadow"
        if unshare --mount --propagation private /bin/sh -c 'mount --bind "$1" /etc/shadow' sh "$dir/shadow" 2>"$dir/unshare.log"; then
            passwords=yes
        else
            password=""
            reason="no private mount namespace here ($(head -n 1 "$dir/unshare.log")), so no test password can be set for root"
        fi
    else
        reason="openssl or unshare is missing, so no test password can be set for root"
    fi

    local port started=0
    for _ in $(seq 1 20); do
        port=$((20000 + RANDOM % 30000))
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
        write_config "$port" "$passwords"
        /usr/sbin/sshd -t -f "$dir/sshd_config" || cannot "sshd rejects its test configuration"
        if launch 2>>"$dir/start.log"; then
            started=1
            break
        fi
    done
    [ $started -eq 1 ] || cannot "sshd did not start: $(tail -n 1 "$dir/start.log" 2>/dev/null)"
    wait_ready "$port"

    {
        echo "PORT=$port"
        echo "PID=$(cat "$dir/sshd.pid")"
        echo "USER=root"
        echo "CLIENT_KEY=$dir/client_ed25519"
        echo "ENCRYPTED_KEY=$dir/client_encrypted"
        echo "KEY_PASSPHRASE=$passphrase"
        echo "HOST_KEY_PUB=$(cat "$dir/host_ed25519.pub")"
        echo "HOST_RSA_KEY_PUB=$(cat "$dir/host_rsa.pub")"
        echo "OTHER_HOST_KEY_PUB=$(cat "$dir/other_ed25519.pub")"
        echo "PASSWORD=$password"
        echo "PASSWORD_REASON=$reason"
    } > "$dir/env"
    chmod 0600 "$dir/env"
    echo "test-sshd: listening on 127.0.0.1:$port (pid $(cat "$dir/sshd.pid"))"
}

case "$cmd" in
    start) start ;;
    kill) signal_all KILL ;;
    restart)
        [ -f "$dir/sshd_config" ] || cannot "no sshd configuration in $dir"
        signal_all TERM
        launch || cannot "sshd did not start again (see $dir/sshd.log)"
        wait_ready "$(sed -n 's/^Port //p' "$dir/sshd_config")"
        ;;
    stop)
        signal_all TERM
        rm -rf "$dir"
        ;;
    *) echo "usage: $0 start|kill|restart|stop DIR" >&2; exit 64 ;;
esac
