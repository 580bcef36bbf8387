#!/usr/bin/env bash
# 42-mounts.t - the caller's read-only trees: several --mount HOST:JAIL (and
# --input, which is HOST:/input) readable at their paths, read-only
# (writes, creates, chmod: EROFS), in the mount table as ro,nosuid,nodev
# with their host path as the bind's root (a documented exposure) and
# nowhere else, under Landlock and the self-check; repeated, nested and bad
# destinations refused before anything starts; a mode-0700 `mktemp -d`
# directory readable (as root through an idmapped mount, refused where the
# file system cannot be idmapped; rootless it is the caller's own); the
# hint for a file the jail may not read; the result's "mounts".
source "$(dirname "$0")/lib.sh"

[ -x "$ACTJAIL" ] || skip_all "no launcher at $ACTJAIL (run make)"
A=$ACTJAIL

# ---- several trees ------------------------------------------------------------------
M1=$T/m1 M2=$T/tenant-name/m2 IN=$T/in
mkdir -p "$M1/sub" "$M2" "$IN"
echo one >"$M1/one.txt"
echo deep >"$M1/sub/deep.txt"
echo two >"$M2/two.txt"
echo input >"$IN/in.txt"
printf '#!/bin/sh\necho tool ran\n' >"$M1/tool.sh"
# writable by anyone: only the read-only mount can refuse a write
chmod 0777 "$M1" "$M1/sub" "$M2" "$IN" "$T/tenant-name"
chmod 0666 "$M1/one.txt" "$M1/sub/deep.txt" "$M2/two.txt" "$IN/in.txt"
chmod 0777 "$M1/tool.sh"
snap() { # a listing of DIR with sizes, modes, owners, times and content hashes
	(cd "$1" && find . -printf '%p %y %s %m %U %G %T@\n' | sort && find . -type f -exec sha256sum {} + | sort)
}
trees() { snap "$M1" && snap "$M2" && snap "$IN"; }
before=$(trees)

jrun --mount "$M1:/data/one" --mount "$M2:/srv/two/deeper" --input "$IN" <<'PY'
import errno, json, os, subprocess
res = {}
def read(p):
    try:
        return open(p).read()
    except OSError as e:
        return errno.errorcode[e.errno]
res["one"] = read("/data/one/one.txt")
res["deep"] = read("/data/one/sub/deep.txt")
res["two"] = read("/srv/two/deeper/two.txt")
res["input"] = read("/input/in.txt")
res["ls_data"] = sorted(os.listdir("/data"))
res["ls_one"] = sorted(os.listdir("/data/one"))
res["tool"] = subprocess.run(["/data/one/tool.sh"], capture_output=True, text=True).stdout
def attempt(name, f, *a):
    try:
        r = f(*a)
        if isinstance(r, int):
            os.close(r)
        res[name] = "ok"
    except OSError as e:
        res[name] = errno.errorcode[e.errno]
W = os.O_WRONLY | os.O_CREAT | os.O_EXCL
for d, f in (("/data/one", "one.txt"), ("/srv/two/deeper", "two.txt"), ("/input", "in.txt")):
    attempt("create " + d, os.open, d + "/new", W, 0o644)
    attempt("write " + d, os.open, d + "/" + f, os.O_WRONLY)
    attempt("truncate " + d, os.truncate, d + "/" + f, 0)
    attempt("chmod " + d, os.chmod, d + "/" + f, 0o600)
    attempt("unlink " + d, os.unlink, d + "/" + f)
    attempt("rename " + d, os.rename, d + "/" + f, d + "/moved")
    attempt("mkdir " + d, os.mkdir, d + "/newdir")
    attempt("symlink " + d, os.symlink, "/tmp", d + "/link")
    attempt("utime " + d, os.utime, d + "/" + f, (0, 0))
attempt("mkdir between mounts", os.mkdir, "/data/other")
attempt("create between mounts", os.open, "/srv/two/x", W, 0o644)
print(json.dumps(res))
PY
is "$rc" 0 "three trees: exit 0"
is "$(out 'o["one"] + o["deep"] + o["two"] + o["input"]')" "$(printf 'one\ndeep\ntwo\ninput\n')" \
	"each tree is readable at its destination, nested ones too"
is "$(out 'o["ls_data"]')" '["one"]' "the parent of a nested destination holds only its mount point"
is "$(out 'o["ls_one"]')" '["one.txt", "sub", "tool.sh"]' "a tree lists its host directory's entries"
is "$(out 'o["tool"]')" "tool ran" "a program in a tree runs (read and execute, like /input)"
for d in /data/one /srv/two/deeper /input; do
	for op in create write truncate chmod unlink rename mkdir symlink utime; do
		is "$(out "o['$op $d']")" EROFS "$op in $d: EROFS"
	done
done
is "$(out 'o["mkdir between mounts"]')" EROFS "the jail's root stays read-only around the mount points"
is "$(out 'o["create between mounts"]')" EROFS "  also beside a nested destination"
is "$(field '[(m["path"], m["host"], m["idmapped"]) for m in r["mounts"]]')" \
	"[[\"/data/one\", \"$M1\", false], [\"/srv/two/deeper\", \"$M2\", false], [\"/input\", \"$IN\", false]]" \
	"the result lists the mounts in order, with their host directories"
like "$(field 'r["landlock"]["abi"]')" '^([0-9]+|null)$' "Landlock applied where the kernel has it (abi $(field 'r["landlock"]["abi"]'))"

# ---- the mount table: what it shows of the host ---------------------------------------
# The root field of a bind mount is the directory's path inside its host file
# system; the kernel offers no way to hide it (docs/SECURITY.md). This is the
# exposure, exactly: each tree's own path there, nothing else of the host.
host_root_field() { # host_root_field DIR: DIR's path inside its file system
	"$PY" - "$1" <<'PY'
import os, sys
def unesc(s):
    return s.encode().decode("unicode_escape")
p, best = os.path.realpath(sys.argv[1]), None
for line in open("/proc/self/mountinfo"):
    f = line.split()
    root, mp = unesc(f[3]), unesc(f[4])
    if p == mp or p.startswith(mp.rstrip("/") + "/"):
        if best is None or len(mp) >= len(best[0]):
            best = (mp, root)
mp, root = best
rel = p[len(mp.rstrip("/")):]
print(os.path.normpath(root + "/" + rel) if rel else root)
PY
}
jrun --mount "$M1:/data/one" --mount "$M2:/srv/two/deeper" --input "$IN" <<'PY'
import json
res = {"lines": {}, "others": []}
for line in open("/proc/self/mountinfo"):
    f = line.split()
    sep = f.index("-")
    if f[4] in ("/data/one", "/srv/two/deeper", "/input"):
        res["lines"][f[4]] = {"root": f[3], "opts": f[5].split(","), "fs": f[sep + 1]}
    else:
        res["others"].append(line)
res["count"] = len(open("/proc/self/mountinfo").readlines())
res["mounts"] = open("/proc/mounts").read()
res["mountstats"] = open("/proc/self/mountstats").read()
print(json.dumps(res))
PY
is "$rc" 0 "mount table run: exit 0"
for d in /data/one /srv/two/deeper /input; do
	is "$(out "[x for x in o['lines']['$d']['opts'] if x in ('ro', 'rw', 'nosuid', 'nodev', 'noexec')]")" \
		'["ro", "nosuid", "nodev"]' "$d is ro,nosuid,nodev (not noexec)"
done
is "$(out 'o["lines"]["/data/one"]["root"]')" "$(host_root_field "$M1")" \
	"exposed: /data/one's root field is its host directory's path in its file system"
is "$(out 'o["lines"]["/srv/two/deeper"]["root"]')" "$(host_root_field "$M2")" \
	"exposed: /srv/two/deeper's root field likewise (a name such as tenant-name shows)"
is "$(out 'o["count"]')" "$(field 'r["enforced"]["mounts"]')" \
	"the self-check counted every mount ($(field 'r["enforced"]["mounts"]'))"
unlike "$(out '"".join(o["others"])')" "${T//./\\.}" "the host path appears on no other mount's line"
unlike "$(out 'o["mounts"] + o["mountstats"]')" "${T//./\\.}" "nor in /proc/mounts or /proc/self/mountstats"

# ---- 32 trees, and a destination of every legal shape -----------------------------------
args=()
for i in $(seq 1 32); do args+=(--mount "$M1:/m$i"); done
# the last one at a destination with every kind of character allowed
args[63]=$M1:/A-b_c.9/x..y/z.
jexec "${args[@]}" -- /bin/sh -c 'cat /m1/one.txt /m31/sub/deep.txt /A-b_c.9/x..y/z./one.txt'
is "$rc" 0 "32 mounts (the most), one at /A-b_c.9/x..y/z.: exit 0"
is "$(field 'r["stdout"]')" "$(printf 'one\ndeep\none\n')" "  each readable"
is "$(field 'len(r["mounts"])')" 32 "  the result lists 32"

# ---- usage errors: nothing starts ---------------------------------------------------------
mkdir -p "$T/out"
printf 'ran\n' >"$T/afile"
# usage NAME REGEX ARGS...: exit 2, one "actjail: ...REGEX" line, nothing on
# stdout, nothing in --output (the program would leave a file there)
usage() {
	local name=$1 re=$2
	shift 2
	rm -rf "$T/out" && mkdir "$T/out"
	timeout -s KILL 20 "$A" exec --json --output "$T/out" "$@" -- /bin/sh -c 'echo ran >/output/started' \
		</dev/null >"$T/stdout" 2>"$T/stderr"
	rc=$?
	is "$rc" 2 "$name: exit 2"
	if [ "$(wc -l <"$T/stderr")" -eq 1 ]; then
		like "$(cat "$T/stderr")" "^actjail: .*$re" "$name: one clear line"
	else
		ok 1 "$name: one clear line"
		sed 's/^/#   stderr: /' "$T/stderr"
	fi
	is "$(wc -c <"$T/stdout")$(ls -A "$T/out")" 0 "$name: nothing on stdout, nothing ran"
}
usage "--input twice" "--input $IN: /input is already the destination of --input $M1" \
	--input "$M1" --input "$IN"
usage "--input and --mount HOST:/input" "/input is already the destination of --input" \
	--input "$M1" --mount "$IN:/input"
usage "--mount HOST:/input and --input" "/input is already the destination of --mount" \
	--mount "$IN:/input" --input "$M1"
usage "the same destination twice" "/data is already the destination of --mount $M1; each destination once" \
	--mount "$M1:/data" --mount "$M2:/data"
usage "a destination below another" "/data/x overlaps /data" --mount "$M1:/data" --mount "$M2:/data/x"
usage "a destination above another" "/data overlaps /data/x" --mount "$M1:/data/x" --mount "$M2:/data"
usage "relative destination" "'data' is not an absolute path" --mount "$M1:data"
usage "empty destination" "'' is not an absolute path" --mount "$M1:"
usage "destination /" "'/' is the jail's root" --mount "$M1:/"
usage "destination with .." "'/data/../etc' has a '\\.' or '\\.\\.' component" --mount "$M1:/data/../etc"
usage "destination with ." "'/data/\\./x' has a '\\.' or '\\.\\.' component" --mount "$M1:/data/./x"
usage "destination with //" "'/data//x' has an empty component" --mount "$M1:/data//x"
usage "destination with a trailing slash" "'/data/' has an empty component" --mount "$M1:/data/"
usage "destination with a space" "has a character other than" --mount "$M1:/my data"
usage "destination with a newline" "has a character other than" --mount "$M1:/data
x"
usage "destination with non-ASCII" "has a character other than" --mount "$M1:/d$(printf '\303\244')ta"
usage "destination in a dot name" "'/\\.masked' starts with a dot name" --mount "$M1:/.masked"
for d in /usr/x /usr /bin /sbin/x /lib /lib64/x /library /etc /etc/ssl /proc/x /dev/shm/x /sys /run/actjail /tmp/x /output /output/x; do
	usage "destination $d" "'$d' is in the jail's own /" --mount "$M1:$d"
done
long=/$(printf 'a%.0s' $(seq 1 200))
usage "a 201-byte destination" "is longer than 200 bytes" --mount "$M1:$long"
usage "--mount without a colon" "--mount: '$M1' is not HOST:JAIL" --mount "$M1"
usage "--mount with an empty host" "--mount: an empty host directory" --mount ":/data"
usage "--mount of a missing directory" "--mount $T/missing: No such file or directory" --mount "$T/missing:/data"
usage "--mount of a file" "--mount $T/afile: not a directory" --mount "$T/afile:/data"
args=()
for i in $(seq 1 33); do args+=(--mount "$M1:/m$i"); done
usage "33 mounts" "at most 32 directories can be mounted" "${args[@]}"
is "$(cat "$T/afile")" ran "the file given as a directory is untouched"

# ---- a mode-0700 directory (mktemp -d) ------------------------------------------------------
# As root the jail's user (host uid 65534) cannot read a root-owned 0700
# directory: it is bound idmapped, its owner and group appear as the
# jail's, everything else as nobody. Rootless it is the caller's own.
PRIV=$(mktemp -d "$T/priv.XXXXXX")
echo mine >"$PRIV/own.txt" && chmod 0600 "$PRIV/own.txt"
mkdir -m 0700 "$PRIV/subdir" && echo inner >"$PRIV/subdir/inner.txt" && chmod 0600 "$PRIV/subdir/inner.txt"
if is_root; then
	echo other-private >"$PRIV/other-private.txt" && chown 1234:1234 "$PRIV/other-private.txt" && chmod 0600 "$PRIV/other-private.txt"
	echo other-public >"$PRIV/other-public.txt" && chown 1234:1234 "$PRIV/other-public.txt" && chmod 0644 "$PRIV/other-public.txt"
fi
is "$(stat -c %a "$PRIV")" 700 "control: mktemp -d makes a 0700 directory"
priv_before=$(snap "$PRIV")
jrun --mount "$PRIV:/private" <<'PY'
import errno, json, os
res = {}
def read(p):
    try:
        return open(p).read()
    except OSError as e:
        return errno.errorcode[e.errno]
def owner(p):
    st = os.stat(p)
    return [st.st_uid, st.st_gid]
res["ls"] = sorted(os.listdir("/private"))
for f in ("own.txt", "subdir/inner.txt", "other-private.txt", "other-public.txt"):
    res[f] = read("/private/" + f)
res["owner_dir"] = owner("/private")
res["owner_own"] = owner("/private/own.txt")
if os.path.exists("/private/other-public.txt"):
    res["owner_other"] = owner("/private/other-public.txt")
def attempt(name, f, *a):
    try:
        r = f(*a)
        if isinstance(r, int):
            os.close(r)
        res[name] = "ok"
    except OSError as e:
        res[name] = errno.errorcode[e.errno]
# the jail's user owns these files here: only the read-only mount refuses
attempt("write", os.open, "/private/own.txt", os.O_WRONLY)
attempt("create", os.open, "/private/new", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
attempt("chmod", os.chmod, "/private/own.txt", 0o666)
attempt("chmod_dir", os.chmod, "/private", 0o777)
attempt("chown", os.chown, "/private/own.txt", 1000, 1000)
attempt("utime", os.utime, "/private/own.txt", (0, 0))
attempt("unlink", os.unlink, "/private/own.txt")
attempt("setxattr", os.setxattr, "/private/own.txt", "user.x", b"1")
attempt("mkdir", os.mkdir, "/private/subdir/new")
res["mountinfo"] = [l.split()[5] for l in open("/proc/self/mountinfo") if l.split()[4] == "/private"]
print(json.dumps(res))
PY
if is_root; then
	is "$rc" 0 "root, 0700 root-owned directory: exit 0"
	is "$(field 'r["mounts"][0]["idmapped"]')" true "  bound idmapped (the result says so)"
	like "$(out '",".join(o["mountinfo"])')" '(^|,)idmapped(,|$)' "  mountinfo: idmapped"
	is "$(out 'o["own.txt"] + o["subdir/inner.txt"]')" "$(printf 'mine\ninner\n')" \
		"  the owner's 0600 files, in a 0700 subdirectory too, are readable"
	is "$(out 'o["owner_dir"]') $(out 'o["owner_own"]')" "[1000, 1000] [1000, 1000]" \
		"  the owner and group appear as the jail's user and group"
	is "$(out 'o["other-public.txt"]')" "other-public" "  another uid's world-readable file is readable"
	is "$(out 'o["other-private.txt"]')" EACCES "  another uid's 0600 file is not (its id is not mapped)"
	is "$(out 'o["owner_other"]')" "[65534, 65534]" "  another uid shows as nobody"
	for op in write create chmod chmod_dir chown utime unlink setxattr mkdir; do
		is "$(out "o['$op']")" EROFS "  $op on an idmapped file the jail owns: EROFS"
	done
	# --uid-range: the owner maps to the jail's own host uid
	jexec --uid-range 300000:4 --mount "$PRIV:/private" -- /bin/sh -c 'cat /private/own.txt; cat /proc/self/uid_map'
	is "$rc" 0 "  with --uid-range: exit 0"
	like "$(field 'r["stdout"]')" '^mine
 +1000 +30000[0-3] +1$' "  with --uid-range: readable, the owner mapped to the jail's host uid"
else
	is "$rc" 0 "rootless, the caller's 0700 directory: exit 0"
	is "$(field 'r["mounts"][0]["idmapped"]')" false "  a plain bind: the jail's user is the caller"
	is "$(out 'o["own.txt"] + o["subdir/inner.txt"]')" "$(printf 'mine\ninner\n')" \
		"  its 0600 files, in a 0700 subdirectory too, are readable"
	is "$(out 'o["owner_dir"]') $(out 'o["owner_own"]')" "[1000, 1000] [1000, 1000]" \
		"  they belong to the jail's user"
	for op in write create chmod chmod_dir chown utime unlink setxattr mkdir; do
		is "$(out "o['$op']")" EROFS "  $op on a file the jail owns: EROFS"
	done
	skip "idmapped mount with --uid-range" "root only"
	skip "idmapped mount with --uid-range" "root only"
fi
is "$(snap "$PRIV")" "$priv_before" "the 0700 directory is unchanged on the host"

# Where the file system cannot be idmapped (ramfs), root is refused up front
# with the reason (exit 125), never given an unreadable mount.
if ! is_root; then
	for i in 1 2 3 4; do skip "unidmappable file system" "root only (mounts a ramfs)"; done
elif ! command -v unshare >/dev/null || ! unshare -m true 2>/dev/null; then
	for i in 1 2 3 4; do skip "unidmappable file system" "no unshare -m"; done
else
	mkdir -p "$T/ram"
	unshare -m sh -c '
		mount -t ramfs none "$1" || exit 99
		mkdir -m 0700 "$1/in" && echo x >"$1/in/f"
		"$2" exec --json --input "$1/in" -- /bin/cat /input/f >"$3/result.json" 2>"$3/stderr"
	' sh "$T/ram" "$A" "$T"
	rc=$?
	if [ "$rc" = 99 ]; then
		for i in 1 2 3 4; do skip "unidmappable file system" "cannot mount a ramfs"; done
	elif [ "$rc" = 0 ]; then
		for i in 1 2 3 4; do skip "unidmappable file system" "this kernel idmaps ramfs"; done
	else
		is "$rc" 125 "root, 0700 directory on a file system without idmapped mounts: exit 125"
		is "$(field 'r["status"] + " " + r["setup_error"]["step"]')" "setup_error idmapped mount" \
			"  a setup error, step 'idmapped mount'"
		like "$(field 'r["setup_error"]["detail"]')" \
			"^--input $T/ram/in: mode 0700, owner uid 0: unreadable by the jail's user \\(host uid 65534\\), and its file system cannot be idmapped; chmod o\\+rx it" \
			"  the detail names the directory, why, and the fix"
		like "$(cat "$T/stderr")" "actjail: idmapped mount: Invalid argument: --input $T/ram/in" "  also on stderr"
	fi
fi
if is_root; then
	mkdir -m 0000 "$T/closed"
	jexec --mount "$T/closed:/closed" -- /bin/true
	is "$rc" 125 "root, a mode-0000 directory: exit 125"
	like "$(field 'r["setup_error"]["detail"]')" "not even its owner \\(uid 0\\) may read it" \
		"  not even its owner may read it: no idmap would help"
else
	# rootless the caller must be able to read it, as the jail reads as the caller
	mkdir -m 0000 "$T/closed"
	usage "rootless, a mode-0000 directory" "--mount $T/closed: Permission denied" --mount "$T/closed:/closed"
fi

# ---- the hint for a file the jail may not read ----------------------------------------
UNR=$T/unreadable
mkdir -p "$UNR" && echo hidden >"$UNR/hidden.txt" && chmod 0755 "$UNR"
# root: owned by root, 0600, in a readable (so not idmapped) directory;
# rootless: the caller's own file with no read bit
if is_root; then chmod 0600 "$UNR/hidden.txt"; else chmod 0000 "$UNR/hidden.txt"; fi
hint() { # PROGRAM: "TYPE|HINT" of its uncaught exception
	printf '%s\n' "$1" | "$A" run --json --mount "$UNR:/data" - >"$T/result.json" 2>/dev/null
	field 'r["error"]["type"] + "|" + str(r["error"]["hint"])'
}
like "$(hint 'open("/data/hidden.txt").read()')" \
	"^PermissionError\\|the sandbox's user may not read this path" "an unreadable file: the read hint, not the writes one"
like "$(hint 'open("/data/new.txt", "w")')" "^OSError\\|writes are only allowed under /output and /tmp" \
	"a write to a mount: the writes hint"

is "$(trees)" "$before" "the host trees are unchanged"
done_testing
