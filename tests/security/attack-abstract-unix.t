#!/usr/bin/env bash
# Attack: reach host services over Unix sockets: an abstract socket the
# host listens on (the kind D-Bus, X11 and container runtimes use), a
# pathname socket in the host's /tmp, and the launcher's own sockets by
# guessing. Safe outcome: the abstract name does not exist in the jail's
# network namespace (ECONNREFUSED), the host path does not exist (ENOENT),
# the host listener accepts nothing; an abstract socket the jail creates
# is invisible to the host. Stopped by: network namespace (abstract
# names are per namespace), mount namespace; Landlock scoping on ABI 6+.
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
ABSTRACT="actjail-canary-$$-$RANDOM"
"$PY" - "$ABSTRACT" "$T/host.sock" "$T/unix.hits" "$T/unix.ready" <<'PY' &
import os, socket, sys, select
name, path, hits, ready = sys.argv[1:]
a = socket.socket(socket.AF_UNIX); a.bind("\0" + name); a.listen(8)
p = socket.socket(socket.AF_UNIX); p.bind(path); os.chmod(path, 0o777); p.listen(8)
open(ready, "w").close()
n = 0
while True:
    r, _, _ = select.select([a, p], [], [], 60)
    if not r:
        break
    for s in r:
        s.accept()[0].close()
        n += 1
        open(hits, "w").write(str(n))
PY
UNIX_PID=$!
on_exit "kill $UNIX_PID 2>/dev/null"
for _ in $(seq 1 100); do [ -f "$T/unix.ready" ] && break; sleep 0.05; done

jattack --env ABSTRACT="$ABSTRACT" --env HOST_SOCK="$T/host.sock" <<'PY'
import json, os, socket
res = {}
def try_connect(key, addr):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(addr)
        res[key] = "connected"
    except OSError as e:
        res[key] = e.errno
try_connect("abstract", "\0" + os.environ["ABSTRACT"])
try_connect("path", os.environ["HOST_SOCK"])
try_connect("systemd", "/run/systemd/private")
try_connect("dbus", "/run/dbus/system_bus_socket")
try_connect("docker", "/var/run/docker.sock")
mine = socket.socket(socket.AF_UNIX)
mine.bind("\0jail-side-" + os.environ["ABSTRACT"])
mine.listen(1)
res["own abstract"] = "listening"
print(json.dumps(res), flush=True)
import time; time.sleep(0.5)
PY
is "$(field 'r["status"]')" ok "the program ran to its end"
is "$(out '[o["abstract"], o["path"], o["systemd"], o["dbus"], o["docker"]]')" '[111, 2, 2, 2, 2]' \
	"inside: the host's abstract socket is refused, host socket paths do not exist"
is "$(cat "$T/unix.hits" 2>/dev/null || echo 0)" 0 "outside: the host's Unix listeners accepted nothing"
is "$("$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect("\0jail-side-" + sys.argv[1]); print("reachable")
except OSError as e:
    print(e.errno)' "$ABSTRACT")" 111 "outside: the jail's own abstract socket is not reachable from the host"
attack_end
done_testing
