#!/usr/bin/env bash
# Attack: map the host's file systems through the mount table: read
# /proc/self/mountinfo, /proc/mounts, /proc/self/mountstats and init's
# /proc/1/mountinfo, looking for host paths (the test's temp dir, the
# checkout, /work, /home, /root), the host's root file system mounted
# whole, and mount propagation that would carry host mounts in (or jail
# mounts out). Safe outcome: only the jail's own mounts are listed (as many
# as the jail's self-check counted), every one private; what comes from the
# host's root device is only the documented read-only binds (/usr, a few
# /etc files), never its root; no host path appears. Stopped by: mount
# namespace (pivot_root onto a fresh tmpfs, old root detached, private
# propagation), a /proc of the jail's own.
source "$(dirname "$(dirname "$0")")/lib.sh"
todo_ok() { # todo_ok STATUS NAME REASON: a TAP TODO test (its failure is expected)
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $_tap_n - $2 # TODO $3"; else echo "not ok $_tap_n - $2 # TODO $3"; fi
}
# the host's root file system: its device (major:minor in mountinfo)
host_root_dev=$(awk '$5 == "/" { dev = $3 } END { print dev }' /proc/self/mountinfo)
host_root_src=$(awk '$5 == "/" { for (i = 7; i < NF; i++) if ($i == "-") src = $(i + 2) } END { print src }' /proc/self/mountinfo)
attack_begin
jattack --env "ROOTDEV=$host_root_dev" <<'PY'
import errno, json, os
res = {}
def read(p):
    try:
        return open(p).read()
    except OSError as e:
        return "ERR " + errno.errorcode[e.errno]
def unescape(s):
    return s.encode().decode("unicode_escape")
mi = read("/proc/self/mountinfo")
res["mountinfo"] = mi
res["mounts"] = read("/proc/mounts")
res["mountstats"] = read("/proc/self/mountstats")
res["init_same"] = read("/proc/1/mountinfo") == mi
res["points"], res["optional"], res["from_root_dev"] = [], [], []
for line in mi.splitlines():
    f = line.split()
    sep = f.index("-")
    res["points"].append(unescape(f[4]))
    res["optional"] += f[6:sep]                     # shared:N, master:N, ...
    if f[2] == os.environ["ROOTDEV"]:
        res["from_root_dev"].append(unescape(f[3]))
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran to its end"
is "$(out 'len(o["points"])')" "$(field 'r["enforced"]["mounts"]')" \
	"inside: mountinfo lists as many mounts as the jail's self-check counted ($(field 'r["enforced"]["mounts"]'))"
is "$(out '[p for p in o["points"] if p not in ("/", "/dev", "/proc", "/proc/sys", "/dev/shm", "/tmp", "/output", "/input", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc/ld.so.cache", "/etc/alternatives", "/etc/ssl/certs", "/etc/ssl/openssl.cnf", "/etc/services", "/etc/protocols", "/etc/mime.types", "/etc/fonts", "/etc/matplotlibrc", "/etc/timezone", "/dev/pts", "/dev/tty", "/proc/keys", "/proc/key-users", "/proc/kcore", "/proc/timer_list", "/proc/sched_debug", "/proc/latency_stats", "/proc/cmdline", "/proc/sys/kernel/random/boot_id") and not p.startswith(("/usr/", "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"))]')" '[]' \
	"inside: every mount point is one of the jail's"
is "$(out 'o["optional"]')" '[]' "inside: every mount is private (no shared: or master: propagation)"
is "$(out '[r for r in o["from_root_dev"] if r not in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc/ld.so.cache", "/etc/alternatives", "/etc/ssl/certs", "/etc/ssl/openssl.cnf", "/etc/services", "/etc/protocols", "/etc/mime.types", "/etc/fonts", "/etc/matplotlibrc", "/etc/timezone") and not r.startswith("/usr/")]')" '[]' \
	"inside: from the host's root device ($host_root_dev) only the read-only binds, never its root"
like "$(out '" ".join(o["from_root_dev"])')" '(^| )/usr( |$)' "inside: control: /usr is seen coming from the host's root device"
is "$(out 'o["init_same"]')" true "inside: init's mount table is the same"
for p in "$T" "$TOP" /work /home /root "$HOST_DIR"; do
	unlike "$(out 'o["mountinfo"] + o["mounts"] + o["mountstats"]')" "(^| )${p//./\\.}(/| |\$)" \
		"inside: the host path $p appears in no mount table"
done
# A bind mount keeps the source name of the file system it comes from: the
# binds of /usr and /etc files show the host's root device by name
case $host_root_src in
/dev/?*)
	! out 'o["mounts"]' | grep -qF -- "$host_root_src "
	todo_ok $? "inside: the host's root device name ($host_root_src) appears in no mount table" \
		"bind mounts show their source device's name"
	;;
*) skip "host root device name" "the host's root is not a block device ($host_root_src)" ;;
esac
attack_end
done_testing
