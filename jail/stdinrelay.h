/*
 * stdinrelay.h - exec: the caller's stdin on its way to the program, with a
 * bounded buffer and backpressure (nothing more is read from fd 0 while the
 * program has not taken what is buffered). With a terminal the caller's is
 * set raw for the run, so keys reach the jail's own pty as typed. Nothing
 * here blocks or exits: every descriptor is non-blocking, and a failure of
 * epoll is returned (-errno) for the loop to end the run with.
 */
#ifndef ACTJAIL_STDINRELAY_H
#define ACTJAIL_STDINRELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>

#include "jail/evloop.h"

struct stdin_relay {
	struct evloop *ev;
	int *stdin_fd;	   /* the program's stdin pipe (closed at EOF), or -1 */
	const int *pty_fd; /* else the jail's pty master */
	uint32_t tag_in;   /* epoll tag of fd 0, and of the program's pipe */
	uint32_t tag_pipe;
	char buf[65536];
	size_t len, off;
	bool eof, pollable, watching;
	bool raw_tty;
	struct termios saved_tty;
};

/* Start relaying: the terminal raw (tty), fd 0 watched (a regular file
 * cannot be, and is read on demand: stdin_relay_unpolled). 0 or -errno. */
int stdin_relay_start(struct stdin_relay *r, struct evloop *ev, int *stdin_fd, const int *pty_fd,
		      bool tty, uint32_t tag_in, uint32_t tag_pipe);
/* fd 0 is readable. 0 or -errno. */
int stdin_relay_read(struct stdin_relay *r);
/* The program's stdin is writable. 0 or -errno. */
int stdin_relay_flush(struct stdin_relay *r);
/* A regular file on fd 0 with more to give and nothing buffered: the loop
 * must not sleep, and reads it (stdin_relay_read) each round. */
bool stdin_relay_unpolled(const struct stdin_relay *r);
/* The caller's terminal as it was. */
void stdin_relay_restore(struct stdin_relay *r);

#endif
