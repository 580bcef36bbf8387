/* bpfcache.c - the jail's seccomp filter as BPF, built once per policy (see
 * bpfcache.h). */
#define _GNU_SOURCE
#include "policy/bpfcache.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <seccomp.h>

#include "jail/sha256.h"

/* The file: this header, then count instructions. */
struct bpf_header {
	char magic[16]; /* BPF_MAGIC, NUL-padded */
	unsigned char key[32];
	uint32_t count;
	uint32_t pad;
};

#define BPF_MAGIC "actjail-bpf-1"

static void put_u64(struct sha256_ctx *c, uint64_t v)
{
	sha256_update(c, &v, sizeof(v));
}

void bpfcache_key(const struct policy_seccomp *p, const unsigned char *build_id,
		  size_t build_id_len, unsigned char key[32])
{
	const struct scmp_version *v = seccomp_version();
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, BPF_MAGIC, sizeof(BPF_MAGIC));
	put_u64(&c, build_id_len);
	sha256_update(&c, build_id, build_id_len);
	put_u64(&c, v ? v->major : 0);
	put_u64(&c, v ? v->minor : 0);
	put_u64(&c, v ? v->micro : 0);
	/* every field the compiler reads, one by one: no padding bytes */
	put_u64(&c, p->default_action);
	put_u64(&c, p->notify_default);
	put_u64(&c, p->notify_net);
	put_u64(&c, p->nrules);
	for (size_t i = 0; i < p->nrules; i++) {
		const struct policy_rule *r = &p->rules[i];

		put_u64(&c, (uint64_t)(int64_t)r->nr);
		put_u64(&c, r->action);
		put_u64(&c, r->nargs);
		for (unsigned a = 0; a < r->nargs && a < 6; a++) {
			put_u64(&c, r->args[a].index);
			put_u64(&c, (uint64_t)r->args[a].op);
			put_u64(&c, r->args[a].mask);
			put_u64(&c, r->args[a].value);
		}
	}
	sha256_final(&c, key);
}

struct build_id_search {
	unsigned char *out;
	size_t len, found;
};

/* The main program is the first object dl_iterate_phdr reports. */
static int find_build_id(struct dl_phdr_info *info, size_t size, void *data)
{
	struct build_id_search *s = data;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *p, *end;

		if (ph->p_type != PT_NOTE)
			continue;
		p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)(const void *)p;
			const char *name = p + sizeof(*n);
			const unsigned char *desc =
				(const unsigned char *)name + ((n->n_namesz + 3) & ~3u);

			if ((const char *)desc + n->n_descsz > end)
				break;
			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
			    !memcmp(name, "GNU", 4) && n->n_descsz) {
				s->found = n->n_descsz < s->len ? n->n_descsz : s->len;
				memcpy(s->out, desc, s->found);
				return 1;
			}
			p = (const char *)desc + ((n->n_descsz + 3) & ~3u);
		}
	}
	return 1; /* only the first object */
}

size_t bpfcache_build_id(unsigned char *out, size_t len)
{
	struct build_id_search s = { out, len, 0 };

	(void)dl_iterate_phdr(find_build_id, &s);
	return s.found;
}

/* A directory fd when path is this euid's own real directory of mode 0700. */
static int open_own_dir(const char *path, bool create)
{
	struct stat st;
	int fd;

	if (create && mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP || errno == ENOTDIR ? -EPERM : -errno;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 07777) != 0700) {
		(void)close(fd);
		return -EPERM;
	}
	return fd;
}

int bpfcache_open_dir(char *path, size_t pathlen)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	int n;

	if (geteuid() == 0) {
		int fd = open_own_dir("/run/actjail", true);

		if (fd < 0)
			return fd;
		(void)close(fd);
		n = snprintf(path, pathlen, "/run/actjail/bpf");
	} else if (xdg && xdg[0] == '/' && stat(xdg, &st) == 0 && S_ISDIR(st.st_mode) &&
		   st.st_uid == geteuid() && !(st.st_mode & 022)) {
		n = snprintf(path, pathlen, "%s/actjail-bpf", xdg);
	} else {
		n = snprintf(path, pathlen, "/tmp/actjail-bpf-%u", (unsigned)geteuid());
	}
	if (n < 0 || (size_t)n >= pathlen)
		return -ENAMETOOLONG;
	return open_own_dir(path, true);
}

void bpfcache_name(const unsigned char key[32], char name[72])
{
	sha256_to_hex(key, name);
	memcpy(name + 64, ".bpf", 5);
}

int bpfcache_load(int dirfd, const unsigned char key[32], struct bpf_blob *out)
{
	struct bpf_header h;
	char name[72];
	struct stat st;
	size_t want;
	ssize_t n;
	int fd, r = 0;

	bpfcache_name(key, name);
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP ? -EPERM : -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022)) {
		r = -EPERM;
		goto out;
	}
	n = pread(fd, &h, sizeof(h), 0);
	if (n != (ssize_t)sizeof(h) || memcmp(h.magic, BPF_MAGIC, sizeof(BPF_MAGIC)) != 0 ||
	    memcmp(h.key, key, 32) != 0 || h.count == 0 || h.count > BPF_MAXINSNS) {
		r = -EBADMSG;
		goto out;
	}
	want = h.count * sizeof(struct sock_filter);
	if ((uint64_t)st.st_size != sizeof(h) + want) {
		r = -EBADMSG;
		goto out;
	}
	n = pread(fd, out->insns, want, sizeof(h));
	if (n != (ssize_t)want) {
		r = -EBADMSG;
		goto out;
	}
	out->count = h.count;
out:
	(void)close(fd);
	return r;
}

int bpfcache_export(scmp_filter_ctx filter, struct bpf_blob *b)
{
	int mem = memfd_create("actjail-bpf", MFD_CLOEXEC);
	ssize_t n;
	int r;

	if (mem < 0)
		return -errno;
	r = seccomp_export_bpf(filter, mem);
	/* one that fills the buffer may have been cut: refused whole */
	n = r < 0 ? 0 : pread(mem, b->insns, sizeof(b->insns), 0);
	if (r == 0 && n < 0)
		r = -errno;
	(void)close(mem);
	if (r < 0)
		return r;
	if (n == 0 || n == (ssize_t)sizeof(b->insns) || n % (ssize_t)sizeof(struct sock_filter))
		return -E2BIG;
	b->count = (uint32_t)((size_t)n / sizeof(struct sock_filter));
	return 0;
}

static int write_all_at(int fd, const void *p, size_t len)
{
	const char *c = p;

	while (len) {
		ssize_t n = write(fd, c, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The cache never holds more than BPF_CACHE_MAX entries (a policy per
 * build each, a few KiB): past that, every other entry goes. */
#define BPF_CACHE_MAX 64

static void prune(int dirfd, const char *keep)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;
	size_t n = 0;

	if (!d) {
		if (fd >= 0)
			(void)close(fd);
		return;
	}
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	if (n > BPF_CACHE_MAX) {
		rewinddir(d);
		while ((e = readdir(d)))
			if (e->d_name[0] != '.' && strcmp(e->d_name, keep) != 0)
				(void)unlinkat(dirfd, e->d_name, 0);
	}
	closedir(d);
}

int bpfcache_store(int dirfd, const unsigned char key[32], const struct bpf_blob *b)
{
	struct bpf_header h = { .count = b->count };
	char name[72], proc[64];
	int fd, r;

	if (b->count == 0 || b->count > BPF_MAXINSNS)
		return -EINVAL;
	memcpy(h.magic, BPF_MAGIC, sizeof(BPF_MAGIC));
	memcpy(h.key, key, 32);
	bpfcache_name(key, name);
	fd = openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r = write_all_at(fd, &h, sizeof(h));
	if (!r)
		r = write_all_at(fd, b->insns, b->count * sizeof(struct sock_filter));
	if (!r) {
		/* linkat of /proc/self/fd/N needs no capability (AT_EMPTY_PATH
		 * would need CAP_DAC_READ_SEARCH); a name that exists stays */
		(void)snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if (linkat(AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW) < 0 && errno != EEXIST)
			r = -errno;
	}
	(void)close(fd);
	if (!r)
		prune(dirfd, name);
	return r;
}
