#!/usr/bin/env bash
# Attack: fill the host's disk through every writable place: write 8 MiB
# files into /tmp, /dev/shm and /output until the writes fail, then create
# empty files until no inode is left, and try the read-only places (/, /usr,
# /etc, /dev). Safe outcome: every writable place is a small tmpfs of the
# jail's own that ends in ENOSPC at its size (/tmp 64 MiB and 16384 inodes,
# /dev/shm 16 MiB, /output 64 MiB and 1024 inodes); the rest is EROFS; the
# host's /tmp keeps its free space (within a few MiB: other work on the host
# may write meanwhile) and its inodes. Stopped by: mount namespace (a fresh
# tmpfs per writable place, sized; read-only binds), Landlock (write only
# in /tmp, /dev/shm, /output).
source "$(dirname "$(dirname "$0")")/lib.sh"
host_df() { df -Pk /tmp | awk 'NR == 2 { print $4 }'; }
host_di() { df -Pi /tmp | awk 'NR == 2 { print $4 }'; }
attack_begin
avail_before=$(host_df)
inodes_before=$(host_di)
jattack --timeout 20 <<'PY'
import errno, json, os
res = {}
def fill(d):
    total, i = 0, 0
    chunk = b"x" * (1 << 20)
    while True:
        fd = os.open("%s/fill%d" % (d, i), os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            for _ in range(8):
                n = os.write(fd, chunk)
                total += n
                if n < len(chunk):              # a short write: the next one fails
                    os.write(fd, chunk)
        except OSError as e:
            return total >> 20, errno.errorcode[e.errno]
        finally:
            os.close(fd)
        i += 1
def inodes(d):
    n = 0
    while True:
        try:
            os.close(os.open("%s/i%d" % (d, n), os.O_WRONLY | os.O_CREAT, 0o600))
        except OSError as e:
            return n, errno.errorcode[e.errno]
        n += 1
for d in ("/tmp", "/dev/shm", "/output"):
    st = os.statvfs(d)
    res[d] = {"size_mib": st.f_blocks * st.f_frsize >> 20, "inodes": st.f_files}
    res[d]["filled_mib"], res[d]["fill_err"] = fill(d)
    res[d]["files"], res[d]["inode_err"] = inodes(d)
ro = {}
for d in ("/", "/usr", "/etc", "/dev", "/usr/lib"):
    try:
        os.close(os.open(d + "/fill", os.O_WRONLY | os.O_CREAT, 0o600))
        ro[d] = "created"
    except OSError as e:
        ro[d] = errno.errorcode[e.errno]
res["read_only"] = ro
print(json.dumps(res))
PY
avail_after=$(host_df)
inodes_after=$(host_di)
is "$(field 'r["status"]')" ok "the program ran to its end"
is "$(out '[o[d]["size_mib"] for d in ("/tmp", "/dev/shm", "/output")]')" '[64, 16, 64]' \
	"inside: /tmp, /dev/shm, /output are 64, 16 and 64 MiB file systems"
is "$(out '[o[d]["fill_err"] for d in ("/tmp", "/dev/shm", "/output")]')" '["ENOSPC", "ENOSPC", "ENOSPC"]' \
	"inside: filling each ends in ENOSPC"
is "$(out '[o[d]["filled_mib"] in range(o[d]["size_mib"] - 4, o[d]["size_mib"] + 1) for d in ("/tmp", "/dev/shm", "/output")]')" \
	'[true, true, true]' "inside: each took about its size and no more ($(out '[o[d]["filled_mib"] for d in ("/tmp", "/dev/shm", "/output")]') MiB)"
is "$(out '[o[d]["inode_err"] for d in ("/tmp", "/dev/shm", "/output")]')" '["ENOSPC", "ENOSPC", "ENOSPC"]' \
	"inside: creating files ends in ENOSPC once the inodes are gone"
is "$(out '[o[d]["files"] + 16 > o[d]["inodes"] >= o[d]["files"] for d in ("/tmp", "/output")]')" '[true, true]' \
	"inside: /tmp and /output ran out of inodes at their limits ($(out '[o[d]["files"] for d in ("/tmp", "/output")]') files)"
is "$(out 'sorted(set(o["read_only"].values()))')" '["EROFS"]' "inside: /, /usr, /etc, /dev are read-only (EROFS)"
drop=$(((avail_before - avail_after) / 1024))
[ "$drop" -lt 16 ]
ok $? "outside: the host's /tmp kept its free space (it went down by $drop MiB; the jail wrote 144)"
idrop=$((inodes_before - inodes_after))
[ "$idrop" -lt 1000 ]
ok $? "outside: the host's /tmp kept its inodes (down by $idrop; the jail made 17000+)"
attack_end
done_testing
