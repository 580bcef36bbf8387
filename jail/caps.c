/* caps.c - drop every capability with libcap and lock the securebits. */
#define _GNU_SOURCE
#include "jail/caps.h"

#include <errno.h>
#include <linux/securebits.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "jail/log.h"

void caps_drop_child_or_die(void)
{
	cap_value_t c, last = (cap_value_t)cap_max_bits();
	cap_t empty;

	/* Securebits first: setting them needs CAP_SETPCAP, which goes below.
	 * NOROOT and NO_SETUID_FIXUP keep a later uid 0 or exec from granting
	 * capabilities; the _LOCKED bits make that permanent (capabilities(7)). */
	if (cap_set_secbits(SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
			    SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
			    SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED) < 0)
		die("lock securebits", errno, NULL);
	/* The bounding set also needs CAP_SETPCAP, so it goes before the rest. */
	for (c = 0; c < last; c++)
		if (cap_drop_bound(c) < 0 && errno != EINVAL)
			die("drop capability bounding set", errno, "capability %d", (int)c);
	if (cap_reset_ambient() < 0)
		die("clear ambient capabilities", errno, NULL);
	empty = cap_init();
	if (!empty)
		die("drop capabilities", errno, "cap_init");
	if (cap_set_proc(empty) < 0) {
		int e = errno;

		cap_free(empty);
		die("drop capabilities", e, NULL);
	}
	cap_free(empty);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("set no_new_privs", errno, NULL);
}
