#!/usr/bin/env bash
# Attack: steal secrets from the caller's environment: the launcher runs
# with a host token exported (as an agent's API key would be); the program
# looks for it in os.environ, /proc/self/environ, /proc/1/environ (the
# jail's init, forked from the launcher), every readable
# /proc/*/{environ,cmdline}, the auxiliary vector, and the environment of a
# child it execs. Safe outcome: the program's environment is exactly the
# clean set plus what --env gave; init's environ is unreadable and its argv
# wiped; the token appears nowhere, not even in the result. Stopped by: the
# clean environment built for the jail, the wiped and non-dumpable init.
source "$(dirname "$(dirname "$0")")/lib.sh"
HOST_TOKEN="hosttoken-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ACTJAIL_ATTACK_API_KEY="$HOST_TOKEN"
attack_begin
jattack --env FOO=bar <<'PY'
import errno, json, os, subprocess
res = {}
def read(p):
    try:
        return open(p, "rb").read().decode("latin-1")
    except OSError as e:
        return "ERR " + errno.errorcode[e.errno]
res["environ"] = sorted(os.environ)
res["self_environ"] = sorted(x.split("=", 1)[0] for x in read("/proc/self/environ").split("\0") if x)
res["init_environ"] = read("/proc/1/environ")
res["init_cmdline"] = read("/proc/1/cmdline").strip("\0")
res["child_env"] = sorted(subprocess.run(["/usr/bin/env"], capture_output=True, text=True).stdout.split("\n"))
blobs = {}
for pid in [p for p in os.listdir("/proc") if p.isdigit()] + ["self", "thread-self"]:
    for f in ("environ", "cmdline", "auxv", "comm", "status"):
        blobs["%s/%s" % (pid, f)] = read("/proc/%s/%s" % (pid, f))
res["blobs"] = blobs
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran to its end"
is "$(out 'o["environ"]')" \
	'["CANARY_PORT", "FOO", "HOME", "HOST_DIR", "HOST_SECRET", "LANG", "PATH", "PYTHONDONTWRITEBYTECODE"]' \
	"inside: os.environ is the clean set plus --env"
is "$(out 'o["self_environ"] == o["environ"]')" true "inside: /proc/self/environ holds the same, nothing more"
is "$(out '[x.split("=")[0] for x in o["child_env"] if x]')" \
	'["CANARY_PORT", "FOO", "HOME", "HOST_DIR", "HOST_SECRET", "LANG", "PATH", "PYTHONDONTWRITEBYTECODE"]' \
	"inside: an exec'd child gets the same"
is "$(out '(o["init_environ"], o["init_cmdline"])')" '["ERR EACCES", ""]' \
	"inside: init's environ is unreadable (EACCES) and its argv wiped"
is "$(out '[k for k, v in o["blobs"].items() if "ACTJAIL_ATTACK_API_KEY" in v or "hosttoken-" in v]')" '[]' \
	"inside: the token and its name are in no /proc/*/{environ,cmdline,auxv,comm,status}"
like "$(out '" ".join(sorted(k for k, v in o["blobs"].items() if not v.startswith("ERR")))')" '(^| )2/environ( |$)' \
	"inside: control: the scan did read the program's own environ"
if grep -qF -- "$HOST_TOKEN" "$T/result.json" "$T/stderr"; then
	ok 1 "outside: the token appears nowhere in the result"
else
	ok 0 "outside: the token appears nowhere in the result"
fi
attack_end
done_testing
