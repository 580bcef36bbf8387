#!/usr/bin/env bash
# Attack: learn the host's name, or change it: read it through uname(2),
# gethostname, getfqdn, /proc/sys/kernel/hostname and domainname,
# /etc/hostname and /etc/hosts; then sethostname(2), setdomainname(2) and
# writes to /proc/sys/kernel/{hostname,domainname}. Safe outcome: the jail
# is called "sandbox" (NIS domain empty) everywhere, the host's name
# appears nowhere; every attempt to rename is refused (EPERM, EROFS) and
# the host keeps its name. Stopped by: UTS namespace (a name of the jail's
# own), seccomp (sethostname, setdomainname refused and reported as
# violations), /proc/sys read-only, a generated /etc.
source "$(dirname "$(dirname "$0")")/lib.sh"
host_name=$(uname -n)
host_domain=$(cat /proc/sys/kernel/domainname)
attack_begin
jattack <<'PY'
import ctypes, errno, json, os, socket
libc = ctypes.CDLL(None, use_errno=True)
res = {"names": {}}
res["names"]["uname"] = os.uname().nodename
res["names"]["gethostname"] = socket.gethostname()
res["names"]["getfqdn"] = socket.getfqdn()
for p in ("/proc/sys/kernel/hostname", "/proc/sys/kernel/domainname", "/etc/hostname"):
    res["names"][p] = open(p).read()
res["hosts"] = open("/etc/hosts").read()
def sys_(f, name):
    r = f(name, len(name))
    return "ok" if r == 0 else errno.errorcode[ctypes.get_errno()]
res["sethostname"] = sys_(libc.sethostname, b"pwned")
res["setdomainname"] = sys_(libc.setdomainname, b"pwned")
for p in ("/proc/sys/kernel/hostname", "/proc/sys/kernel/domainname", "/etc/hostname"):
    try:
        with open(p, "w") as f:
            f.write("pwned\n")
        res["write " + p] = "ok"
    except OSError as e:
        res["write " + p] = errno.errorcode[e.errno]
res["after"] = os.uname().nodename
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran to its end"
is "$(out '[o["names"][k] for k in ("uname", "gethostname")]')" '["sandbox", "sandbox"]' \
	"inside: uname and gethostname say sandbox"
like "$(out 'o["names"]["getfqdn"]')" '^(sandbox|localhost)$' "inside: getfqdn resolves through the jail's /etc/hosts"
is "$(out '[o["names"][k] for k in ("/proc/sys/kernel/hostname", "/etc/hostname", "/proc/sys/kernel/domainname")]')" \
	'["sandbox\n", "sandbox\n", "\n"]' "inside: /proc/sys/kernel/hostname and /etc/hostname say sandbox; no NIS domain"
like "$(out 'o["hosts"]')" '127\.0\.0\.1.*sandbox' "inside: /etc/hosts maps sandbox to loopback"
is "$(out '[o["sethostname"], o["setdomainname"]]')" '["EPERM", "EPERM"]' "inside: sethostname and setdomainname: EPERM"
is "$(out '[o["write /proc/sys/kernel/hostname"], o["write /proc/sys/kernel/domainname"], o["write /etc/hostname"]]')" \
	'["EROFS", "EROFS", "EROFS"]' "inside: writing the name through /proc/sys or /etc: EROFS"
is "$(out 'o["after"]')" sandbox "inside: still sandbox afterwards"
is "$(field 'sorted(v["syscall"] for v in r["violations"])')" '["setdomainname", "sethostname"]' \
	"sethostname and setdomainname are reported as violations"
case $host_name in
sandbox | localhost | localhost.*) skip "host name invisible" "the host is called $host_name" ;;
*)
	host_re=$(printf '%s' "$host_name" | sed 's/[.[\*^$()+?{}|]/\\&/g')
	unlike "$(field 'r["stdout"]')" "(^|[^a-zA-Z0-9-])${host_re}([^a-zA-Z0-9-]|\$)" \
		"inside: the host's name ($host_name) appears nowhere the program looked"
	;;
esac
is "$(uname -n):$(cat /proc/sys/kernel/domainname)" "$host_name:$host_domain" \
	"outside: the host keeps its name and NIS domain"
attack_end
done_testing
