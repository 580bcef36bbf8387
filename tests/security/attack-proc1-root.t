#!/usr/bin/env bash
# Attack: reach the host's filesystem through the magic links of /proc:
# /proc/1/root and /proc/1/cwd (init's), /proc/PID/root and cwd of every
# visible pid (the program's own, a child's, init's thread), the host
# test shell's pid, /proc/self/root/.. and /proc/thread-self/root. Each
# link is tried for the host canary secret (by its host path, also behind
# ".."), /etc/shadow, and listed; then ".." is walked from a directory fd
# on /proc/self/root. Safe outcome: init's links are EACCES, the jail's
# own processes' roots are the jail's / (the secret ENOENT, the listing
# the jail's), the host pid does not exist; the secret is never read.
# Stopped by: pid namespace (only the jail's pids), mount namespace (every
# root is the jail's tmpfs root), non-dumpable init (EACCES).
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack --timeout 10 --env "HOSTPID=$$" <<'PY'
import json, os, subprocess
secret = os.environ["HOST_SECRET"]
os.chdir("/")          # the program starts in /tmp; from / every cwd link is a root too
child = subprocess.Popen(["/usr/bin/sleep", "30"])
pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
jail_root = sorted(os.listdir("/"))
res = {"pids": pids, "child": child.pid, "hostpid_visible": os.environ["HOSTPID"] in os.listdir("/proc"),
       "reads": {}, "lists": {}, "links": {}}
def tryread(p):
    try:
        return "READ " + open(p).read()[:40]
    except OSError as e:
        return e.errno
def trylist(p):
    try:
        return "same" if sorted(os.listdir(p)) == jail_root else sorted(os.listdir(p))
    except OSError as e:
        return e.errno
groups = {"init": ["1", "1/task/1"], "own": [str(p) for p in pids if p != 1] + ["self", "thread-self"],
          "host": [os.environ["HOSTPID"]]}
for group, names in groups.items():
    for pid in names:
        for link in ("root", "cwd"):
            base = "/proc/%s/%s" % (pid, link)
            try:
                res["links"][base] = [group, os.readlink(base)]
            except OSError as e:
                res["links"][base] = [group, e.errno]
            for p in (base + secret, base + "/.." + secret, base + "/../../.." + secret,
                      base + "/../../etc/shadow", base + "/../../../proc/1/root" + secret):
                res["reads"][p] = [group, tryread(p)]
            for p in (base, base + "/..", base + "/../.."):
                res["lists"][p] = [group, trylist(p)]
# a directory fd on /proc/self/root, then openat("..") from it, again and again
fd = os.open("/proc/self/root", os.O_RDONLY | os.O_DIRECTORY)
for _ in range(8):
    nfd = os.open("..", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    os.close(fd)
    fd = nfd
res["fd_dotdot_is_root"] = os.fstat(fd).st_ino == os.stat("/").st_ino
res["fd_dotdot_list"] = "same" if sorted(os.listdir(fd)) == jail_root else sorted(os.listdir(fd))
child.kill()
child.wait()
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(out 'o["pids"] == [1, 2, o["child"]]')" true "inside: /proc shows init, the program and its child only"
is "$(out 'o["hostpid_visible"]')" false "inside: the host test shell's pid is not in /proc"
# per group: the set of outcomes of every read / readlink / listing
grp() { out "sorted(set(json.dumps(v[1]) for v in o['$1'].values() if v[0] == '$2'))"; }
is "$(grp reads init)" '["13"]' "inside: every read through init's root or cwd: EACCES"
is "$(grp links init)" '["13"]' "inside: readlink of init's root and cwd: EACCES"
is "$(grp lists init)" '["13"]' "inside: listing through init's root or cwd: EACCES"
# ".../../../proc/1/root/..." goes through init again: EACCES there, ENOENT elsewhere
is "$(out 'sorted(set(json.dumps(v[1]) for k, v in o["reads"].items() if v[0] == "own" and "/proc/1/root" not in k[6:]))')" \
	'["2"]' "inside: through the jail's own roots, the host secret and /etc/shadow are ENOENT"
is "$(out 'sorted(set(json.dumps(v[1]) for k, v in o["reads"].items() if v[0] == "own" and "/proc/1/root" in k[6:]))')" \
	'["13"]' "inside: and back through init's root from there: EACCES"
is "$(grp links own)" '["\"/\""]' "inside: the root and cwd of every jail process read /"
is "$(grp lists own)" '["\"same\""]' "inside: each of them, and its .., lists exactly the jail's /"
is "$(grp reads host)$(grp links host)$(grp lists host)" '["2"]["2"]["2"]' \
	"inside: the host shell's /proc/PID/root and cwd do not exist"
is "$(out '[k for k, v in o["reads"].items() if isinstance(v[1], str)]')" '[]' "inside: no path read anything"
is "$(out '(o["fd_dotdot_is_root"], o["fd_dotdot_list"])')" '[true, "same"]' \
	"inside: openat(\"..\") from /proc/self/root stops at the jail's /"
attack_end
done_testing
