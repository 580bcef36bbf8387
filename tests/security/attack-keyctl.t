#!/usr/bin/env bash
# Attack: reach the kernel keyrings, where the host keeps credentials
# (Kerberos tickets, fscrypt and dm-crypt keys, NFS and CIFS secrets). The
# test plants a key in the user keyring of the host uid the jail runs as
# (65534 when root starts it, the caller's own uid rootless). The program
# reads /proc/keys and /proc/key-users, looks the planted key up by the
# description it found there (request_key), tries keyctl
# GET_KEYRING_ID/READ/DESCRIBE on @u, @s, @us and the key's id,
# JOIN_SESSION_KEYRING (new and the host user's session keyring by name),
# add_key of a user key and a keyring. Safe outcome: add_key, request_key
# and keyctl are EPERM every time and listed in the violations; the key's
# payload never reaches the jail, nor its description. Stopped by: seccomp
# (add_key, request_key, keyctl not allowed); /proc/keys and
# /proc/key-users masked with an empty file (keys belong to host uids, not
# namespaces: unmasked, /proc/keys would list that host uid's keys).
source "$(dirname "$(dirname "$0")")/lib.sh"
KEY_DESC="actjail-host-key-$$-$RANDOM"
KEY_PAYLOAD="keypayload-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
keyprog='
import ctypes, errno, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
if sys.argv[1] == "add":
    r = libc.syscall(248, b"user", sys.argv[2].encode(), sys.argv[3].encode(), len(sys.argv[3]), -4)
else:
    r = libc.syscall(250, 21, int(sys.argv[2]))      # KEYCTL_INVALIDATE
print(r if r >= 0 else errno.errorcode[ctypes.get_errno()])'
as_jail_uid() { # run as the host uid the jail's uid 1000 maps to
	if is_root; then setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; else "$@"; fi
}
key_id=$(as_jail_uid "$PY" -c "$keyprog" add "$KEY_DESC" "$KEY_PAYLOAD")
case $key_id in
[0-9]*) on_exit "as_jail_uid \"\$PY\" -c \"\$keyprog\" invalidate $key_id >/dev/null" ;;
*) key_id= ;;
esac
attack_begin
jattack --timeout 10 <<'PY'
import ctypes, errno, json, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
res = {"calls": {}}
def sc(name, nr, *a):
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_char_p(x) if isinstance(x, bytes) else
                                          x if isinstance(x, ctypes.Array) else ctypes.c_long(x) for x in a])
    res["calls"][name] = r if r >= 0 else errno.errorcode[ctypes.get_errno()]
def read(p):
    try:
        return open(p).read()
    except OSError as e:
        return errno.errorcode[e.errno]
res["proc_keys"] = read("/proc/keys")
res["proc_key_users"] = read("/proc/key-users")
found = [l.split() for l in res["proc_keys"].splitlines() if " user " in l]
KEY_SPEC = {"@s": -3, "@u": -4, "@us": -5}
buf = ctypes.create_string_buffer(4096)
sc("add_key user", 248, b"user", b"mine", b"v", 1, KEY_SPEC["@s"])
sc("add_key keyring", 248, b"keyring", b"mine", 0, 0, KEY_SPEC["@u"])
for spec, n in KEY_SPEC.items():
    sc("get_keyring_id " + spec, 250, 0, n, 0)
    sc("read " + spec, 250, 11, n, buf, 4096)
sc("join_session new", 250, 1, 0)
sc("join_session host", 250, 1, b"_uid_ses.65534")
for f in found:
    kid, desc = int(f[0], 16), f[8].rstrip(":")
    sc("request_key " + desc, 249, b"user", desc.encode(), 0, 0)
    sc("describe found", 250, 6, kid, buf, 4096)
    sc("read found", 250, 11, kid, buf, 4096)
res["found_user_keys"] = len(found)
res["nr"] = {s: sum(1 for k in res["calls"] if k.startswith(p)) for s, p in
             (("add_key", "add_key"), ("request_key", "request_key"), ("keyctl", ("get_", "read", "join", "describe")))}
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
if [ -n "$key_id" ]; then
	ok 0 "control: a key was planted in the host uid's user keyring ($key_id)"
else
	skip "control: a key planted in the host uid's user keyring" "add_key refused on the host"
fi
is "$(out 'sorted(set(o["calls"].values()))')" '["EPERM"]' \
	"inside: add_key, request_key and keyctl (GET_KEYRING_ID, READ, DESCRIBE, JOIN_SESSION_KEYRING): all EPERM"
like "$(out 'sorted(o["calls"])')" '"read @u"' "control: every call was tried (READ of @u among them)"
is "$(field '[(v["syscall"], v["count"], v["errno"]) for v in r["violations"]]')" \
	"[[\"add_key\", $(out 'o["nr"]["add_key"]'), \"EPERM\"], [\"keyctl\", $(out 'o["nr"]["keyctl"]'), \"EPERM\"]$(
		[ "$(out 'o["nr"]["request_key"]')" = 0 ] || echo ", [\"request_key\", $(out 'o["nr"]["request_key"]'), \"EPERM\"]")]" \
	"outside: violations list add_key, keyctl and request_key, every call"
if grep -qF -- "$KEY_PAYLOAD" "$T/result.json" "$T/stderr"; then
	ok 1 "outside: the planted key's payload appears nowhere in the result"
else
	ok 0 "outside: the planted key's payload appears nowhere in the result"
fi
# keys belong to host uids, and /proc/keys shows every key its reader's uid
# may view, also in a child user namespace: the jail's is masked
if grep -qF -- "$KEY_DESC" "$T/result.json"; then
	ok 1 "inside: /proc/keys lists no key of the host (the planted key's description appears)"
else
	ok 0 "inside: /proc/keys lists no key of the host"
fi
attack_end
done_testing
