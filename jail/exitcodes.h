/*
 * exitcodes.h - the one table of actjail's exit statuses. Mirrored in
 * README.md, docs/result.md and `actjail --help`.
 *
 *   N        the program's own exit status (0..123 are passed through as is)
 *   2        usage error: bad option, missing file, bad limit (nothing started)
 *   124      the wall-clock (or CPU) time limit fired
 *   125      the jail could not be built (setup error: step and errno on stderr),
 *            or what it produced could not be delivered (capture_error, audit_error)
 *   126      the program could not be executed
 *   127      the program was not found
 *   128+N    the program was killed by signal N
 */
#ifndef ACTJAIL_EXITCODES_H
#define ACTJAIL_EXITCODES_H

enum actjail_exit {
	EXIT_USAGE = 2,
	EXIT_TIMEOUT = 124,
	EXIT_SETUP = 125,
	EXIT_CANNOT_EXEC = 126,
	EXIT_NOT_FOUND = 127,
	EXIT_SIGNAL_BASE = 128,
};

#endif
