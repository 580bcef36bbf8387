#!/usr/bin/env bash
# The network namespace: only lo, up, no routes off the box; the host's
# loopback services (a TCP canary, a UDP canary, an abstract unix socket)
# are unreachable from inside, while the jail's own loopback works. Packet,
# raw and netlink sockets are refused, but for NETLINK_ROUTE, which sees the
# jail's own namespace only. Traffic only ever goes to loopback.
source "$(dirname "$0")/lib.sh"

[ -x "$ACTJAIL" ] || skip_all "no launcher at $ACTJAIL (run make)"

MARK=931.01
canary_start
[ -n "${CANARY_PORT:-}" ] || skip_all "the TCP canary did not start"

# A UDP canary and an abstract unix-socket canary on the host, counting what
# arrives in files, like lib.sh's TCP canary.
ABSTRACT="actjail-canary-$$-$RANDOM"
"$PY" - "$T/udp.port" "$T/udp.hits" "$ABSTRACT" "$T/unix.hits" <<'PY' &
import os, select, socket, sys
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 0))
x = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
x.bind("\0" + sys.argv[3])
x.listen(8)
open(sys.argv[1] + ".tmp", "w").write(str(u.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
udp = unix = 0
while True:
    r, _, _ = select.select([u, x], [], [], 120)
    if not r:
        break
    if u in r:
        u.recvfrom(65536)
        udp += 1
        open(sys.argv[2], "w").write(str(udp))
    if x in r:
        x.accept()[0].close()
        unix += 1
        open(sys.argv[4], "w").write(str(unix))
PY
UDP_PID=$!
on_exit "kill $UDP_PID 2>/dev/null"
for i in $(seq 1 100); do
	[ -f "$T/udp.port" ] && break
	sleep 0.05
done
UDP_PORT=$(cat "$T/udp.port")
hits() { cat "$1" 2>/dev/null || echo 0; }

# Positive controls: each canary counts a host-side contact, so a 0 below
# means nothing arrived, not a broken canary.
"$PY" - "$CANARY_PORT" "$UDP_PORT" "$ABSTRACT" <<'PY'
import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2).close()
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"host", ("127.0.0.1", int(sys.argv[2])))
x = socket.socket(socket.AF_UNIX)
x.connect("\0" + sys.argv[3])
x.close()
PY
for i in $(seq 1 40); do
	[ "$(canary_hits)" = 1 ] && [ "$(hits "$T/udp.hits")" = 1 ] && [ "$(hits "$T/unix.hits")" = 1 ] && break
	sleep 0.05
done
is "$(canary_hits)" 1 "control: the TCP canary counts a host connection"
is "$(hits "$T/udp.hits")" 1 "control: the UDP canary counts a host datagram"
is "$(hits "$T/unix.hits")" 1 "control: the abstract-socket canary counts a host connection"

host_ifaces=$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev | sort | tr '\n' ' ')

# ---- interfaces and routes ----------------------------------------------------
jrun <<'PY'
import ctypes, errno, fcntl, json, socket, struct
res = {}
res["dev"] = sorted(l.split(":")[0].strip() for l in open("/proc/net/dev").readlines()[2:])
res["route"] = open("/proc/net/route").read().splitlines()[1:]
res["ipv6_route_devs"] = sorted({l.split()[-1] for l in open("/proc/net/ipv6_route")})
res["ipv6_route_dsts"] = sorted({l.split()[0] for l in open("/proc/net/ipv6_route")})
res["if_inet6"] = [l.split()[0] + " " + l.split()[-1] for l in open("/proc/net/if_inet6")]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
def flags(name):
    try:
        r = fcntl.ioctl(s, 0x8913, struct.pack("16sH14x", name.encode(), 0))   # SIOCGIFFLAGS
        return struct.unpack("16sH14x", r)[1]
    except OSError as e:
        return errno.errorcode[e.errno]
res["lo_flags"] = flags("lo")
res["eth0_flags"] = flags("eth0")
try:
    r = fcntl.ioctl(s, 0x8915, struct.pack("16sH14x", b"lo", socket.AF_INET))    # SIOCGIFADDR
    res["lo_addr"] = socket.inet_ntoa(r[20:24])
except OSError as e:
    res["lo_addr"] = errno.errorcode[e.errno]
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "interface run status ok"
is "$(out 'o["dev"]')" '["lo"]' "/proc/net/dev: only lo"
is "$(out 'o["route"]')" '[]' "/proc/net/route: no IPv4 routes"
is "$(out 'o["ipv6_route_devs"]')" '["lo"]' "IPv6 routes only through lo"
like "$(out '",".join(o["ipv6_route_dsts"])')" '^(0{32},)?0{31}1$' \
	"IPv6 routes: ::1 (and the unreachable default of lo) only"
is "$(out 'o["if_inet6"]')" '["00000000000000000000000000000001 lo"]' "IPv6 address: ::1 on lo only"
is "$(out 'o["lo_flags"] & 0x1')" 1 "lo is UP"
is "$(out 'o["lo_flags"] & 0x8')" 8 "lo is LOOPBACK"
is "$(out 'o["lo_flags"] & 0x40')" 64 "lo is RUNNING"
is "$(out 'o["eth0_flags"]')" ENODEV "no eth0 (SIOCGIFFLAGS: ENODEV)"
is "$(out 'o["lo_addr"]')" 127.0.0.1 "lo has 127.0.0.1"
for i in $host_ifaces; do
	[ "$i" = lo ] && continue
	is "$(out "'$i' in o['dev']")" false "host interface $i invisible"
done

# ---- the host's loopback services, from inside -------------------------------
jrun --env "TCP=$CANARY_PORT" --env "UDP=$UDP_PORT" --env "ABS=$ABSTRACT" <<'PY'
import errno, json, os, socket, time
res = {}
tcp, udp = int(os.environ["TCP"]), int(os.environ["UDP"])
def connect(name, family, addr):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(3)
    try:
        s.connect(addr)
        res[name] = "connected"
    except OSError as e:
        res[name] = errno.errorcode.get(e.errno, str(e))
    s.close()
connect("tcp4", socket.AF_INET, ("127.0.0.1", tcp))
connect("tcp4_other", socket.AF_INET, ("127.0.0.2", tcp))
connect("tcp6", socket.AF_INET6, ("::1", tcp))
connect("tcp_mapped", socket.AF_INET6, ("::ffff:127.0.0.1", tcp))
connect("tcp_localhost", socket.AF_INET, (socket.gethostbyname("localhost"), tcp))
x = socket.socket(socket.AF_UNIX)
try:
    x.connect("\0" + os.environ["ABS"])
    res["abstract"] = "connected"
except OSError as e:
    res["abstract"] = errno.errorcode.get(e.errno, str(e))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sent = 0
for i in range(5):
    try:
        sent += u.sendto(b"from the jail", ("127.0.0.1", udp)) > 0
    except OSError:
        pass
    time.sleep(0.01)
res["udp_sent"] = sent
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "host-services run status ok"
is "$(out 'o["tcp4"]')" ECONNREFUSED "TCP to the host canary's 127.0.0.1 port: refused by the jail's own lo"
is "$(out 'o["tcp4_other"]')" ECONNREFUSED "TCP to 127.0.0.2 on that port: refused"
is "$(out 'o["tcp6"]')" ECONNREFUSED "TCP to ::1 on that port: refused"
is "$(out 'o["tcp_mapped"]')" ECONNREFUSED "TCP to ::ffff:127.0.0.1 on that port: refused"
is "$(out 'o["tcp_localhost"]')" ECONNREFUSED "TCP to localhost (jail's /etc/hosts) on that port: refused"
is "$(out 'o["abstract"]')" ECONNREFUSED "the host's abstract unix socket is unreachable"
like "$(out 'o["udp_sent"]')" '^[1-5]$' "UDP datagrams to the canary port were sent (into the jail's lo)"
sleep 0.2
is "$(canary_hits)" 1 "host TCP canary: no connection from the jail"
is "$(hits "$T/udp.hits")" 1 "host UDP canary: no datagram from the jail"
is "$(hits "$T/unix.hits")" 1 "host abstract socket: no connection from the jail"

# ---- the jail's own loopback works ---------------------------------------------
# Bound on the very port the host canary holds: a separate namespace.
jrun --env "TCP=$CANARY_PORT" <<'PY'
import json, os, socket, threading
res = {}
port = int(os.environ["TCP"])
def echo_server(family, addr):
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(addr)
    srv.listen(1)
    def run():
        c, _ = srv.accept()
        c.sendall(c.recv(100).upper())
        c.close()
    threading.Thread(target=run).start()
    return srv.getsockname()[1]
for name, fam, host in (("tcp4", socket.AF_INET, "127.0.0.1"), ("tcp6", socket.AF_INET6, "::1")):
    try:
        p = echo_server(fam, (host, port))
        c = socket.create_connection((host, p), timeout=3)
        c.sendall(b"hello")
        res[name] = c.recv(100).decode()
        res[name + "_port"] = p
    except OSError as e:
        res[name] = repr(e)
u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u1.bind(("127.0.0.1", 0))
u1.settimeout(3)
u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u2.sendto(b"dgram", u1.getsockname())
res["udp"] = u1.recvfrom(100)[0].decode()
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "own-loopback run status ok"
is "$(out 'o["tcp4"]')" HELLO "TCP echo over the jail's 127.0.0.1"
is "$(out 'o["tcp4_port"]')" "$CANARY_PORT" "bound the port the host canary holds"
is "$(out 'o["tcp6"]')" HELLO "TCP echo over the jail's ::1"
is "$(out 'o["udp"]')" dgram "UDP over the jail's loopback"
is "$(canary_hits)" 1 "host TCP canary still untouched"

# ---- socket families and raw sockets -------------------------------------------
jrun <<'PY'
import errno, json, socket
res = {}
def sock(name, *a):
    try:
        socket.socket(*a).close()
        res[name] = "ok"
    except OSError as e:
        res[name] = errno.errorcode.get(e.errno, str(e))
sock("netlink_route", 16, socket.SOCK_RAW, 0)
sock("netlink_audit", 16, socket.SOCK_RAW, 9)
sock("packet_raw", 17, socket.SOCK_RAW, 0x0300)
sock("packet_dgram", 17, socket.SOCK_DGRAM, 0x0300)
sock("inet_raw_icmp", socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
sock("inet_raw_raw", socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
sock("inet6_raw", socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
sock("inet_packet", socket.AF_INET, 10, 0x0300)                  # SOCK_PACKET
sock("alg", 38, socket.SOCK_SEQPACKET, 0)
sock("vsock", 40, socket.SOCK_STREAM, 0)
sock("key", 15, socket.SOCK_RAW, 2)                               # PF_KEY
sock("ctl_unix", socket.AF_UNIX, socket.SOCK_STREAM, 0)
sock("ctl_inet_tcp", socket.AF_INET, socket.SOCK_STREAM, 0)
sock("ctl_inet6_udp", socket.AF_INET6, socket.SOCK_DGRAM, 0)
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "socket-family run status ok"
# netlink, packet, alg, vsock and key by the filter's family list; raw and
# SOCK_PACKET sockets of allowed families by the kernel (no CAP_NET_RAW)
for s in netlink_audit packet_raw packet_dgram alg vsock key \
	inet_raw_icmp inet_raw_raw inet6_raw inet_packet; do
	is "$(out "o['$s']")" EPERM "socket $s refused (EPERM)"
done
is "$(out 'o["netlink_route"]')" ok "NETLINK_ROUTE socket allowed (it sees the jail's own namespace: lo)"
is "$(out 'o["ctl_unix"]')" ok "control: AF_UNIX socket"
is "$(out 'o["ctl_inet_tcp"]')" ok "control: AF_INET TCP socket"
is "$(out 'o["ctl_inet6_udp"]')" ok "control: AF_INET6 UDP socket"

# ---- a listener left running inside dies with the jail --------------------------
jrun <<PY
import subprocess
p = subprocess.Popen(["/usr/bin/python3", "-c",
    "import socket, time; s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(); "
    "print('listening', flush=True); time.sleep(60)", "$MARK"], stdout=subprocess.PIPE)
print(p.stdout.readline().decode().strip())
PY
is "$(field 'r["status"]')" ok "background listener run status ok"
is "$(field 'r["stdout"]')" listening "control: the listener was running when the program ended"
check "no process left behind ($MARK)" wait_gone "$MARK"
is "$(canary_hits)" 1 "host TCP canary: still only the control connection"

done_testing
