#!/usr/bin/env bash
# Attack: become root through the host's setuid/setgid binaries, which the
# jail sees under /usr (su, passwd, mount, umount, chfn, gpasswd, newgrp,
# unix_chkpwd, ssh-keysign, ...). The program finds every file under /usr
# with the setuid or setgid bit and executes each one (stdout and stderr a
# full pipe, so it blocks on its first write, or exits and stays a zombie
# until reaped), reading its credentials from /proc/PID/status and its
# AT_SECURE flag from /proc/PID/auxv after the exec. Safe outcome: every
# binary runs as uid/gid 1000 (real, effective, saved, fs) with no
# capabilities, AT_SECURE 0 (the kernel saw no privileged exec); the
# program itself stays uid 1000. Stopped by: nosuid on every mount (/usr
# included), no_new_privs, and the user namespace (host root is not even
# mapped). Skipped where the host has no setuid/setgid binary in /usr.
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack --timeout 15 <<'PY'
import json, os, stat, subprocess, struct, time
found = subprocess.run(["/usr/bin/find", "/usr", "-xdev", "-type", "f", "-perm", "/6000"],
                       capture_output=True, text=True).stdout.split()
res = {"found": sorted(found), "runs": {}, "self": None, "nosuid": {}, "nnp": None}
for line in open("/proc/self/mountinfo"):
    f = line.split()
    if f[4] in ("/", "/usr", "/tmp", "/output", "/dev/shm"):
        res["nosuid"][f[4]] = "nosuid" in f[5].split(",")
res["nnp"] = [l.split()[1] for l in open("/proc/self/status") if l.startswith("NoNewPrivs:")][0]
def full_pipe():
    r, w = os.pipe()
    os.set_blocking(w, False)
    try:
        while True:
            os.write(w, b"x" * 65536)
    except BlockingIOError:
        pass
    os.set_blocking(w, True)
    return r, w
for path in res["found"]:
    st = os.stat(path)
    run = {"mode": oct(st.st_mode & 0o7777), "owner": st.st_uid}
    r, w = full_pipe()
    try:
        p = subprocess.Popen([path, "--help"], stdin=subprocess.PIPE, stdout=w, stderr=w)
    except OSError as e:
        run["exec"] = e.errno            # e.g. mode 4754 for another group: EACCES
        res["runs"][path] = run
        os.close(r), os.close(w)
        continue
    deadline = time.time() + 3
    while time.time() < deadline:    # until past the exec: blocked on the pipe, or a zombie
        try:
            sts = {l.split(":")[0]: l.split(":", 1)[1].split() for l in open("/proc/%d/status" % p.pid)}
        except OSError:
            break
        if sts["Name"][0] != "python3":
            run.update(name=sts["Name"][0], state=sts["State"][0], Uid=sts["Uid"], Gid=sts["Gid"],
                       CapEff=sts["CapEff"][0], CapPrm=sts["CapPrm"][0])
            try:
                if sts["State"][0] == "Z":
                    raise StopIteration         # a zombie has no memory left, nor auxv
                aux = open("/proc/%d/auxv" % p.pid, "rb").read()
                vals = dict(struct.iter_unpack("QQ", aux))
                run["AT_SECURE"] = vals.get(23)
            except StopIteration:
                run["AT_SECURE"] = None
            except OSError as e:
                run["AT_SECURE"] = "auxv %d" % e.errno
            break
        time.sleep(0.005)
    p.kill()
    p.wait()
    os.close(r), os.close(w)
    res["runs"][path] = run
res["self"] = [os.getresuid(), os.getresgid()]
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(out 'sorted(o["nosuid"].items())')" '[["/", true], ["/dev/shm", true], ["/output", true], ["/tmp", true], ["/usr", true]]' \
	"inside: /, /usr and every writable mount are nosuid"
is "$(out 'o["nnp"]')" 1 "inside: no_new_privs is set"
n=$(out 'len(o["found"])')
if [ "$n" = 0 ]; then
	skip "setuid binaries" "no setuid or setgid file under /usr on this host"
else
	like "$(out 'o["found"]')" '"/usr/' "inside: $n setuid/setgid binaries under /usr ($(out '" ".join(p.rsplit("/", 1)[1] for p in o["found"])'))"
	is "$(out '[p for p, r in o["runs"].items() if "exec" not in r and "Uid" not in r]')" '[]' \
		"inside: each one that could be executed was caught past its exec"
	like "$(out 'sum(1 for r in o["runs"].values() if "Uid" in r)')" '^[1-9]' "control: at least one ran"
	is "$(out 'sorted(set(" ".join(r["Uid"]) for r in o["runs"].values() if "Uid" in r))')" '["1000 1000 1000 1000"]' \
		"inside: every one ran as uid 1000 (real, effective, saved, fs): no setuid"
	is "$(out 'sorted(set(" ".join(r["Gid"]) for r in o["runs"].values() if "Gid" in r))')" '["1000 1000 1000 1000"]' \
		"inside: and as gid 1000: no setgid"
	is "$(out 'sorted(set(r["CapEff"] + r["CapPrm"] for r in o["runs"].values() if "Uid" in r))')" \
		'["00000000000000000000000000000000"]' "inside: with no effective or permitted capability"
	# (auxv is unreadable for zombies and for programs that turn dumpable off
	# themselves, as ssh-agent does: those say nothing either way)
	is "$(out '[p for p, r in o["runs"].items() if r.get("AT_SECURE") == 1]')" '[]' \
		"inside: AT_SECURE is never 1 (the kernel saw no privileged exec)"
	like "$(out 'sum(1 for r in o["runs"].values() if r.get("AT_SECURE") == 0)')" '^[1-9]' \
		"control: AT_SECURE 0 was read from at least one of them"
	is "$(out 'sorted(set(r["exec"] for r in o["runs"].values() if "exec" in r) - {13})')" '[]' \
		"inside: the ones it could not execute failed with EACCES (mode bits) only"
fi
is "$(out 'o["self"]')" '[[1000, 1000, 1000], [1000, 1000, 1000]]' "inside: the program is still uid/gid 1000"
attack_end
done_testing
