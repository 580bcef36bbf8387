#!/usr/bin/env bash
# Attack: read host files the jail has no business seeing: the host canary
# secret by its host path and by "..", /etc/shadow, /root, the host's home
# directories. Safe outcome: every path is missing inside the jail (the
# mount namespace's root is a fresh tmpfs); nothing of the host reaches
# the result. Stopped by: mount namespace (pivot_root, old root detached).
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack <<'PY'
import json, os
res = {}
for p in (os.environ["HOST_SECRET"], "/../../.." + os.environ["HOST_SECRET"],
          "/etc/shadow", "/root/.bash_history", "/home/.", "/var/log/syslog"):
    try:
        res[p] = open(p).read()[:40]
    except OSError as e:
        res[p] = e.errno
res["host_dir exists"] = os.path.exists(os.environ["HOST_DIR"])
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(out 'sorted(set(v for k, v in o.items() if k != "host_dir exists"))')" '[2]' \
	"inside: every host path is ENOENT"
is "$(out 'o["host_dir exists"]')" false "inside: the host directory does not exist"
attack_end
done_testing
