#!/usr/bin/env bash
# Attack: exhaust the kernel's (or the launcher's) file table: open files,
# then sockets (TCP, UDP, Unix pairs), pipes, eventfds, memfds and dups,
# each until refused, try to raise RLIMIT_NOFILE, fork four children that
# fill their own tables too, then still print a result with every
# descriptor held.
# Safe outcome: every kind of open fails with EMFILE at 256 descriptors per
# process; the limit cannot be raised; the program still reports and the
# run ends cleanly with all of it open; nothing is left. Stopped by:
# RLIMIT_NOFILE (256; raising it refused by the kernel: no CAP_SYS_RESOURCE),
# pids limit (how many processes may each hold 256).
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack --timeout 20 <<'PY'
import errno, json, os, resource, socket, sys
res = {}
held = []                                   # everything opened stays open
def exhaust(name, opener):
    n = 0
    while n < 100000:
        try:
            held.append(opener())
        except OSError as e:
            res[name] = [n, errno.errorcode[e.errno]]
            return
        n += 1
    res[name] = [n, "no limit"]
exhaust("files", lambda: open("/dev/null", "rb"))
files = held[:]
def free(n):                                # room for the next kind: close n files
    for f in files[:n]:
        f.close()
    del files[:n]
for name, opener in (("tcp", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)),
                     ("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)),
                     ("unix_pairs", socket.socketpair),
                     ("pipes", os.pipe),
                     ("eventfd", lambda: os.eventfd(0)),
                     ("memfd", lambda: os.memfd_create("x")),
                     ("dup", lambda: os.dup(0))):
    free(30)
    exhaust(name, opener)
try:
    os.listdir("/proc/self/fd")             # needs a descriptor of its own
    res["listdir"] = "ok"
except OSError as e:
    res["listdir"] = errno.errorcode[e.errno]
try:
    resource.setrlimit(resource.RLIMIT_NOFILE, (1 << 20, 1 << 20))
    res["raise"] = "ok"
except (OSError, ValueError) as e:
    res["raise"] = type(e).__name__
res["nofile"] = list(resource.getrlimit(resource.RLIMIT_NOFILE))
kids = []
for i in range(4):                          # each child fills its own table
    pid = os.fork()
    if pid == 0:
        free(len(files))                    # room, then fill it again
        try:
            while True:
                held.append(open("/dev/null", "rb"))
        except OSError as e:
            os._exit(0 if e.errno == errno.EMFILE else 1)
    kids.append(pid)
res["children"] = [os.waitstatus_to_exitcode(os.waitpid(p, 0)[1]) for p in kids]
sys.stdout.write(json.dumps(res) + "\n")     # a write needs no new descriptor
sys.stdout.flush()
PY
is "$(field '(r["status"], r["error"])')" '["ok", null]' "the run ends cleanly, every descriptor still open"
is "$(out 'o["files"]')" '[252, "EMFILE"]' "inside: 252 files besides stdio and the bridge, then EMFILE (RLIMIT_NOFILE 256)"
for k in tcp udp eventfd memfd dup; do
	is "$(out "o['$k']")" '[30, "EMFILE"]' "inside: $k: 30 in the room made, then EMFILE"
done
for k in unix_pairs pipes; do
	is "$(out "o['$k']")" '[15, "EMFILE"]' "inside: $k: 15 pairs in the room made, then EMFILE"
done
is "$(out 'o["listdir"]')" EMFILE "inside: with the table full even listing /proc/self/fd fails (EMFILE)"
is "$(out '[o["raise"], o["nofile"]]')" '["ValueError", [256, 256]]' "inside: RLIMIT_NOFILE 256 cannot be raised"
is "$(out 'o["children"]')" '[0, 0, 0, 0]' "inside: four forked children each hit EMFILE too"
attack_end
done_testing
