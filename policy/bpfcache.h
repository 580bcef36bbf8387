/*
 * bpfcache.h - the jail's seccomp filter as BPF, built once per policy.
 *
 * libseccomp takes about 1 ms to build the default policy's filter and 1-3
 * ms more to generate its BPF, a third of the launcher's own CPU per run.
 * The BPF depends only on the policy's seccomp section as the launcher
 * completed it (the notification flags), the libseccomp version and the
 * launcher's build, so it is kept in a file named by the SHA-256 of those
 * (bpfcache_key) and read back by the next run.
 *
 * Who could poison it. The jailed program never sees the host's /run or
 * /tmp: its root is a fresh tmpfs. Another user: the directory must be this
 * euid's own, a real directory of mode 0700, and each file this euid's own,
 * a regular file that neither group nor others may write, whose header
 * repeats the key of its name and whose length matches its instruction
 * count; anything else is a miss, and the filter is compiled as if there
 * were no cache. A writer of the same euid could replace the launcher
 * itself, so it gains nothing. Files appear whole or not at all
 * (O_TMPFILE, then linkat).
 *
 * Reusable code: returns 0 or -errno, never exits.
 */
#ifndef ACTJAIL_BPFCACHE_H
#define ACTJAIL_BPFCACHE_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>
#include <seccomp.h>

#include "policy/policy.h"

struct bpf_blob {
	uint32_t count;
	struct sock_filter insns[BPF_MAXINSNS];
};

/* The key: the seccomp section field by field, the libseccomp version and
 * build_id (the launcher's GNU build ID; bpfcache_build_id). */
void bpfcache_key(const struct policy_seccomp *p, const unsigned char *build_id,
		  size_t build_id_len, unsigned char key[32]);

/* This binary's GNU build ID (up to len bytes): its length, or 0 if it has
 * none (then nothing is cached: the key could not tell builds apart). */
size_t bpfcache_build_id(unsigned char *out, size_t len);

/* The cache directory for this euid, created 0700 when missing: root's
 * /run/actjail/bpf; another user's $XDG_RUNTIME_DIR/actjail-bpf when
 * XDG_RUNTIME_DIR is theirs, else /tmp/actjail-bpf-UID. An O_DIRECTORY
 * descriptor, or -errno (-EPERM: it exists but is not trustworthy). */
int bpfcache_open_dir(char *path, size_t pathlen);

/* A hit fills out: 0. A miss: -ENOENT; a file not to trust: -EPERM; one
 * whose contents do not match its name: -EBADMSG. */
int bpfcache_load(int dirfd, const unsigned char key[32], struct bpf_blob *out);

/* Store b under key (an existing entry stays); past 64 entries the
 * others are removed. 0 or -errno. */
int bpfcache_store(int dirfd, const unsigned char key[32], const struct bpf_blob *b);

/* libseccomp's BPF for filter, into b. 0 or -errno (-E2BIG: too long). */
int bpfcache_export(scmp_filter_ctx filter, struct bpf_blob *b);

/* The file name of key: 64 hex digits and ".bpf". */
void bpfcache_name(const unsigned char key[32], char name[72]);

#endif
