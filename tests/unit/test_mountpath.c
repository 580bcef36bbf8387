/* test_mountpath.c - where a --mount may go: valid destinations, each rule
 * refused with its reason, and overlaps. */
#include <string.h>

#include "jail/mountpath.h"
#include "tests/tap.h"

static char why[128];

/* "ok", or the reason the destination was refused */
static const char *check(const char *path)
{
	why[0] = '\0';
	return mountpath_check(path, why, sizeof(why)) == 0 ? "ok" : why;
}

int main(void)
{
	char longp[MOUNTPATH_MAX + 2], deep[64];
	size_t i;

	is_str(check("/input"), "ok", "/input");
	is_str(check("/data"), "ok", "/data");
	is_str(check("/data/set-1/v2.0_x"), "ok", "nested, portable characters");
	is_str(check("/home/sandbox/work"), "ok", "/home is not the jail's");
	is_str(check("/var/lib/x"), "ok", "lib is reserved only at the top");
	is_str(check("/a..b/..."), "ok", "dots inside a name are fine");
	is_str(check("/srv/usr"), "ok", "usr is reserved only at the top");
	is_str(check("/usrdata"), "ok", "a name that starts like usr is not /usr");
	is_str(check("/data."), "ok", "a trailing dot in a name");

	is_str(check("data"), "is not an absolute path", "relative");
	is_str(check(""), "is not an absolute path", "empty");
	is_str(check("./data"), "is not an absolute path", "./relative");
	is_str(check("/"), "is the jail's root", "/ itself");
	is_str(check("//"), "has an empty component (a double or trailing slash)", "//");
	is_str(check("/data/"), "has an empty component (a double or trailing slash)",
	       "trailing slash");
	is_str(check("/data//x"), "has an empty component (a double or trailing slash)",
	       "double slash");
	is_str(check("/data/./x"), "has a '.' or '..' component", ". component");
	is_str(check("/data/.."), "has a '.' or '..' component", ".. at the end");
	is_str(check("/data/../usr"), "has a '.' or '..' component", ".. in the middle");
	is_str(check("/.."), "has a '.' or '..' component", "/..");
	is_str(check("/."), "has a '.' or '..' component", "/.");
	like(check("/my data"), "has a character other than", "a space");
	like(check("/data\n"), "has a character other than", "a newline");
	like(check("/da\\ta"), "has a character other than", "a backslash");
	like(check("/da:ta"), "has a character other than", "a colon");
	like(check("/d\xc3\xa4ta"), "has a character other than", "non-ASCII");
	like(check("/data*"), "has a character other than", "a glob character");
	is_str(check("/.hidden"), "starts with a dot name, which actjail keeps for itself",
	       "/.name");
	is_str(check("/.masked"), "starts with a dot name, which actjail keeps for itself",
	       "actjail's scratch name");

	is_str(check("/usr"), "is in the jail's own /usr", "/usr");
	is_str(check("/usr/local/x"), "is in the jail's own /usr", "below /usr");
	is_str(check("/bin"), "is in the jail's own /bin", "/bin");
	is_str(check("/sbin/x"), "is in the jail's own /sbin", "/sbin/x");
	is_str(check("/lib"), "is in the jail's own /lib*", "/lib");
	is_str(check("/lib64/x"), "is in the jail's own /lib*", "/lib64/x");
	is_str(check("/libx32"), "is in the jail's own /lib*", "/libx32");
	is_str(check("/library"), "is in the jail's own /lib*", "every lib* name");
	is_str(check("/etc"), "is in the jail's own /etc", "/etc");
	is_str(check("/etc/ssl/x"), "is in the jail's own /etc", "below /etc");
	is_str(check("/proc/x"), "is in the jail's own /proc", "/proc/x");
	is_str(check("/dev/shm/x"), "is in the jail's own /dev", "/dev/shm/x");
	is_str(check("/sys"), "is in the jail's own /sys", "/sys");
	is_str(check("/run/actjail"), "is in the jail's own /run", "the runner's directory");
	is_str(check("/tmp/x"), "is in the jail's own /tmp", "/tmp/x");
	is_str(check("/output"), "is in the jail's own /output", "/output");
	is_str(check("/output/in"), "is in the jail's own /output", "below /output");

	longp[0] = '/';
	memset(longp + 1, 'a', MOUNTPATH_MAX - 1);
	longp[MOUNTPATH_MAX] = '\0';
	is_str(check(longp), "ok", "exactly MOUNTPATH_MAX bytes");
	longp[MOUNTPATH_MAX] = 'a';
	longp[MOUNTPATH_MAX + 1] = '\0';
	is_str(check(longp), "is longer than 200 bytes", "one byte more");
	for (i = 0; i < MOUNTPATH_MAX_DEPTH; i++)
		memcpy(deep + 2 * i, "/d", 2);
	deep[2 * i] = '\0';
	is_str(check(deep), "ok", "MOUNTPATH_MAX_DEPTH components");
	memcpy(deep + 2 * i, "/d", 3);
	is_str(check(deep), "has more than 16 components", "one component more");

	ok(mountpath_overlap("/data", "/data"), "the same path overlaps");
	ok(mountpath_overlap("/data", "/data/x"), "a path below another overlaps");
	ok(mountpath_overlap("/data/x/y", "/data"), "in either order");
	ok(!mountpath_overlap("/data", "/data2"), "a longer name is not below");
	ok(!mountpath_overlap("/data/x", "/data/y"), "siblings do not overlap");
	ok(!mountpath_overlap("/a", "/b"), "different names");

	{
		char q[16];

		mountpath_quote("/data", q, sizeof(q));
		is_str(q, "/data", "quote: plain text as is");
		mountpath_quote("/a\nb\\c", q, sizeof(q));
		is_str(q, "/a\\x0ab\\x5cc", "quote: newline and backslash escaped");
		mountpath_quote("/d\xc3\xa4", q, sizeof(q));
		is_str(q, "/d\\xc3\\xa4", "quote: non-ASCII bytes escaped");
		mountpath_quote("/0123456789abcdef", q, sizeof(q));
		is_str(q, "/0123456789a...", "quote: cut to fit");
		mountpath_quote("/0123456789\n", q, sizeof(q));
		is_str(q, "/0123456789...", "quote: an escape that does not fit is cut whole");
	}
	return done_testing();
}
