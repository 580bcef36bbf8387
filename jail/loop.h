/*
 * loop.h - the launcher's event loop state, shared by supervise.c (the loop,
 * the program's streams, the status socket) and calls.c (tool calls, the
 * relay). Private to the launcher.
 */
#ifndef ACTJAIL_LOOP_H
#define ACTJAIL_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <termios.h>

#include "bridge/frame.h"
#include "bridge/json.h"
#include "jail/config.h"
#include "jail/spawn.h"
#include "jail/supervise.h"

/* epoll tags. Tool-call sources are T_CALL + slot * CALL_KINDS + kind. */
enum tag {
	T_PIDFD = 1,
	T_SIGNAL,
	T_TIMER,
	T_STATUS,
	T_BRIDGE,
	T_STDOUT,
	T_STDERR,
	T_IN,
	T_INPIPE,
	T_RELAY,
	T_NOTIFY,
	T_CALL = 16,
};
enum call_kind { CK_OUT, CK_ERR, CK_IN, CK_PID, CK_TIMER, CALL_KINDS };

/* Replies the launcher generates itself (protocol errors) stop being queued
 * past this many unsent bytes: a jail that floods garbage and never reads
 * cannot make the launcher's memory grow. */
#define BRIDGE_QUEUE_SOFT (1u << 20)
#define IN_BUF            65536

struct outq {
	char *buf;
	size_t len, off;
	bool watching;      /* EPOLLOUT armed */
};

struct call; /* calls.c */

struct loop {
	const struct config *cfg;
	struct jail *j;
	struct outcome *o;
	int ep, sfd, tfd;
	struct frame_reader fr;
	struct outq q;      /* bytes queued for the bridge */
	char in[IN_BUF];    /* caller's stdin on its way to the program */
	size_t inlen, inoff;
	bool in_eof, in_pollable, in_watch;
	bool exited, ready, got_end, timed_out, stop_signal;
	bool raw_tty;
	struct termios saved_tty;
	uint64_t cpu_snapshot_ms; /* CPU of the jail read just before a kill */
	int notify_fd;            /* the jail's seccomp listener, or -1 */
	/* tool calls */
	struct call **slots;     /* max_in_flight entries */
	size_t in_flight;
	int relay_fd;
	struct outq rq;          /* bytes queued for the relay */
	struct frame_reader rfr;
};

void watch(struct loop *l, int fd, uint32_t events, uint32_t tag);
/* watch() and O_NONBLOCK that report instead of exiting: 0, or -1 with
 * errno (for what a failure may end without ending the run: a tool call) */
int loop_watch(struct loop *l, int fd, uint32_t events, uint32_t tag);
int fd_nonblock(int fd);
void rewatch(struct loop *l, int fd, uint32_t events, uint32_t tag);
void unwatch_close(struct loop *l, int *fd);
void set_nonblock(int fd);
/* Append to a queue; write it out without blocking, arming EPOLLOUT on fd
 * (registered under tag) while some is left. -1 when the peer is gone. */
void outq_push(struct outq *q, const char *data, size_t len);
int outq_flush(struct loop *l, struct outq *q, int fd, uint32_t tag);
/* Queue bytes for the jail; droppable ones are dropped past BRIDGE_QUEUE_SOFT. */
void queue_bridge(struct loop *l, const char *data, size_t len, bool droppable);
/* A line the launcher cannot use: an error reply (with the id, if any). */
void protocol_error(struct loop *l, const char *why, const char *id_json);

/* calls.c */
void calls_init(struct loop *l);
void calls_message(struct loop *l, const char *op, const struct json_node *root);
void calls_event(struct loop *l, uint32_t tag, uint32_t events);
void calls_relay_event(struct loop *l, uint32_t events);
/* The jail is gone: stop every call still running, record it, free all. */
void calls_finish(struct loop *l);

#endif
