#!/usr/bin/env bash
# Attack: read the caller's kernel keys (an agent's tokens, Kerberos
# tickets, disk-encryption keys live there): the launcher is started in a
# fresh session keyring holding a host "user" key (description and payload
# known to the test); the program reads /proc/keys and /proc/key-users,
# and tries keyctl (get the session and user keyrings, join a new session,
# describe, read and search for the host key), add_key and request_key.
# Safe outcome: every keyring syscall is refused (EPERM) and reported as a
# violation; the payload appears nowhere; the key is not listed in
# /proc/keys, which the jail sees empty. Stopped by: seccomp (no keyctl,
# add_key, request_key); /proc/keys and /proc/key-users masked with an
# empty file (rootless the caller's uid is the jail's host uid, so without
# the mask /proc/keys would list the caller's keys).
source "$(dirname "$(dirname "$0")")/lib.sh"
KEY_DESC="actjail-attack-key-$$-$RANDOM"
KEY_PAYLOAD="keypayload-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# The launcher, started in a new anonymous session keyring holding the host
# key (keyctl(2) and add_key(2) through Python: keyutils may be missing);
# the key's serial is handed to the program with --env.
cat >"$T/with-key" <<EOF
#!$PY
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
if libc.syscall(250, 1, None) < 0:                      # KEYCTL_JOIN_SESSION_KEYRING
    sys.exit("join session keyring: errno %d" % ctypes.get_errno())
payload = b"$KEY_PAYLOAD"
serial = libc.syscall(248, b"user", b"$KEY_DESC", payload, len(payload), -3)  # add_key @s
if serial < 0:
    sys.exit("add_key: errno %d" % ctypes.get_errno())
if sys.argv[1:] == ["--probe"]:
    print(open("/proc/keys").read().count("$KEY_DESC"))
    sys.exit(0)
os.execv("$ACTJAIL", ["$ACTJAIL", sys.argv[1], "--env", "KEYSERIAL=%d" % serial] + sys.argv[2:])
EOF
chmod 755 "$T/with-key"
probe=$("$T/with-key" --probe 2>&1)
[ "$probe" = 1 ] || skip_all "no kernel keyrings to attack here ($probe)"
attack_begin
real_actjail=$ACTJAIL
ACTJAIL=$T/with-key
jattack --env "KEYDESC=$KEY_DESC" <<'PY'
import ctypes, errno, json, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
res = {}
def read(p):
    try:
        return open(p).read()
    except OSError as e:
        return "ERR " + errno.errorcode[e.errno]
res["proc_keys"] = read("/proc/keys")
res["key_users"] = read("/proc/key-users")
def sys_(*a):
    buf = ctypes.create_string_buffer(4096)
    a = [buf if x is None else x for x in a]
    r = libc.syscall(*a)
    return buf.value.decode("latin-1") if r >= 0 else errno.errorcode[ctypes.get_errno()]
serial = int(os.environ["KEYSERIAL"])
desc = os.environ["KEYDESC"].encode()
res["keyctl"] = {
    "get_session": sys_(250, 0, -3, 0),                 # KEYCTL_GET_KEYRING_ID @s
    "get_user": sys_(250, 0, -4, 0),                    # @u
    "join_session": sys_(250, 1, 0),                    # KEYCTL_JOIN_SESSION_KEYRING
    "describe": sys_(250, 6, serial, None, 4096),       # KEYCTL_DESCRIBE
    "read": sys_(250, 11, serial, None, 4096),          # KEYCTL_READ
    "read_session": sys_(250, 11, -3, None, 4096),
    "search": sys_(250, 10, -3, b"user", desc, 0),      # KEYCTL_SEARCH
}
res["add_key"] = sys_(248, b"user", b"planted", b"x", 1, -3)
res["request_key"] = sys_(249, b"user", desc, None, 0)
print(json.dumps(res))
PY
ACTJAIL=$real_actjail
is "$(field 'r["status"]')" ok "the program ran to its end"
is "$(out 'sorted(set(o["keyctl"].values()))')" '["EPERM"]' \
	"inside: keyctl (get @s/@u, join, describe, read, search the host key): EPERM"
is "$(out '[o["add_key"], o["request_key"]]')" '["EPERM", "EPERM"]' "inside: add_key and request_key: EPERM"
is "$(field 'sorted(set(v["syscall"] for v in r["violations"]))')" '["add_key", "keyctl", "request_key"]' \
	"keyctl, add_key and request_key are reported as violations"
if grep -qF -- "$KEY_PAYLOAD" "$T/result.json" "$T/stderr"; then
	ok 1 "outside: the key's payload appears nowhere in the result"
else
	ok 0 "outside: the key's payload appears nowhere in the result"
fi
is "$(out "o['proc_keys'].count('$KEY_DESC')")" 0 "inside: the caller's key is not listed in /proc/keys"
is "$(out "o['proc_keys']")" "" "inside: /proc/keys is empty (masked)"
attack_end
done_testing
