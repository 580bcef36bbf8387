/*
 * server.h - `actjail serve`: the server's shared state (docs/serve.md,
 * docs/protocol.md "The server").
 *
 * One process holds the listening socket, the clients' connections and the
 * bookkeeping of executions. Each execution runs in a worker: a fresh
 * `actjail run` of this same binary, which builds the jail, supervises it and
 * prints its result. The server never clones a jail and never holds a
 * jail's descriptors: a worker that crashes ends one execution. Nothing in
 * the loop exits the process; a client's bad input is an error line to that
 * client.
 */
#ifndef ACTJAIL_SERVER_H
#define ACTJAIL_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bridge/frame.h"
#include "bridge/json.h"
#include "bridge/tools.h"
#include "jail/evloop.h"
#include "policy/policy.h"

/* epoll tags: kind in the top byte, a table index below */
enum {
	TAG_LISTEN = 1u << 24,
	TAG_SIGNAL = 2u << 24,
	TAG_TICK = 3u << 24,
	TAG_CONN = 4u << 24,
	TAG_OUT = 5u << 24,   /* a worker's stdout: its result */
	TAG_RELAY = 6u << 24, /* a worker's tool relay */
	TAG_PIDFD = 7u << 24, /* a worker's end */
	TAG_CTL = 8u << 24,   /* a pool worker's --warm-fd */
	TAG_KIND = 0xffu << 24,
};

struct serve_config {
	const char *socket_path;
	unsigned socket_mode;
	gid_t socket_group;
	bool socket_group_set;
	uid_t *allow_uid;
	size_t n_allow_uid;
	gid_t *allow_gid;
	size_t n_allow_gid;
	const char *policy_path; /* NULL: the built-in policy */
	const char *tools_path;	 /* NULL: none */
	unsigned concurrency;
	unsigned queue;
	unsigned pool;
	size_t max_request_bytes;
	unsigned max_connections;
	uint64_t idle_timeout_ms;
	uint64_t grace_ms; /* SIGTERM: how long running executions may finish */
	uint64_t setup_timeout_ms;
};

/* What the operator configured, loaded once and again on SIGHUP. Workers
 * read the snapshot files, never the operator's paths, so a file edited
 * without SIGHUP changes nothing. */
struct serve_policy {
	unsigned generation;
	struct policy policy;
	struct toolset tools;
	char policy_file[4200]; /* the snapshot the workers get */
	char tools_file[4200];	/* the operator's manifest, "" when no --tools */
};

struct conn {
	int fd;
	unsigned serial; /* tells a reused slot from the connection a job had */
	struct channel out;
	struct frame_reader in;
	pid_t peer_pid;
	uid_t peer_uid;
	gid_t peer_gid;
	uint64_t last_input_ns; /* when a partial line last grew */
	unsigned jobs;		/* executions of this connection not yet done */
	bool closing;		/* flush what is queued, then close */
	bool read_done;		/* the client shut its sending side */
	bool dying;		/* conn_close is under way */
};

enum job_state {
	JOB_FREE,
	JOB_QUEUED,  /* a request waiting for a slot */
	JOB_RUNNING, /* a request with its worker */
	JOB_WARMING, /* a pool worker building its jail */
	JOB_WARM,    /* a pool worker ready for a request */
};

struct job_input {
	char *name;
	unsigned char *data;
	size_t len;
};

struct job {
	enum job_state state;
	unsigned conn;	      /* index of the client's connection */
	unsigned conn_serial; /* ...and its serial; a mismatch: the client is gone */
	char *id_json;	      /* the client's id, compact JSON */
	char *code;
	size_t code_len;
	uint64_t timeout_ms;
	uint64_t memory_mib;
	char **env; /* "NAME=VALUE", NULL-terminated, or NULL */
	struct job_input *inputs;
	size_t ninputs;
	char *tools_json; /* the request's tools (a JSON array), or NULL */
	size_t tools_json_len;
	uint64_t seq; /* queue order */
	uint64_t received_ns, started_ns;
	uid_t peer_uid; /* the client's, for the log */
	pid_t peer_pid;
	/* the worker */
	pid_t pid;
	int pidfd;
	int out_fd;
	char *out;
	size_t out_len, out_cap;
	bool out_eof, exited;
	int wait_status;
	struct channel relay;
	struct frame_reader relay_in;
	char dir[4200]; /* the execution's private directory */
	uint64_t calls, bytes_in, bytes_out;
	char **call_ids; /* the worker's call ids the client has yet to answer */
	size_t ncalls;
	struct json_node *tools; /* tools_json parsed, when a call needs it */
	bool answered;		 /* the client has its result; the worker is still exiting */
	bool cancelled;		 /* by the client, or the client went away */
	uint64_t kill_at_ns;	 /* SIGKILL the worker if still alive then (0: not armed) */
	unsigned generation;	 /* the policy it runs under */
	struct channel ctl;	 /* a pool worker's --warm-fd (fd -1: none) */
	char ctl_buf[128];	 /* its "ready" line, as it comes */
	size_t ctl_len;
	uint64_t ready_ns;	  /* when the pool worker said ready */
	const char *start;	  /* "warm" or "cold" */
	const char *start_reason; /* why cold, or NULL */
	bool retiring;		  /* a pool worker being stopped (old, or the server stops) */
};

struct latency_ring {
	double ms[1024];
	size_t n, next;
};

struct serve_stats {
	uint64_t by_status[10];
	uint64_t requests, errors, busy, refused_peers, connections;
	uint64_t pool_hits, pool_misses;
	struct latency_ring latency;
};

struct server {
	struct serve_config cfg;
	struct serve_policy *pol;
	struct evloop ev;
	int listen_fd, sfd, tick_fd;
	bool listen_owned; /* we made the socket file (not socket activation) */
	struct conn **conns;
	unsigned conn_serial;
	struct job *jobs;
	unsigned njobs; /* slots: concurrency + queue */
	unsigned running, queued;
	unsigned warming, warm;	  /* pool workers building, and ready */
	uint64_t pool_backoff_ns; /* no new pool worker before this (after failures) */
	unsigned pool_failures;	  /* in a row */
	uint64_t queue_seq;
	bool draining;
	unsigned sweep_pending; /* ticks left to remove what dead workers left */
	uint64_t drain_deadline_ns;
	char workdir[4096];
	char exe[4096];
	struct serve_stats st;
};

/* serve/config.c */
int serve_parse_options(int argc, char **argv, struct serve_config *cfg);
struct serve_policy *serve_policy_load(const struct serve_config *cfg, const char *workdir,
				       unsigned generation, char *err, size_t errlen);
void serve_policy_free(struct serve_policy *p);

/* serve/listen.c */
int serve_listen(const struct serve_config *cfg, bool *owned, char *err, size_t errlen);
bool serve_peer_allowed(const struct serve_config *cfg, uid_t uid, gid_t gid);

/* serve/conn.c */
void conn_accept(struct server *s);
void conn_event(struct server *s, unsigned idx, uint32_t events);
void conn_send(struct server *s, unsigned idx, const char *line, size_t len);
void conn_send_error(struct server *s, unsigned idx, const char *id_json, const char *code,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void conn_close(struct server *s, unsigned idx);
/* One of the connection's executions is answered (a half-closed client is
 * closed after its last). */
void conn_job_done(struct server *s, unsigned idx);
void conn_tick(struct server *s, uint64_t now);
struct conn *conn_get(struct server *s, unsigned idx, unsigned serial);

/* serve/request.c: one line from a client */
void request_handle(struct server *s, unsigned conn, const char *line, size_t len);

/* serve/job.c */
void job_schedule(struct server *s);
void job_event(struct server *s, uint32_t tag, uint32_t events);
void job_cancel(struct server *s, struct job *j, const char *why);
/* A queued request that will not run: an error with code, and its slot freed. */
void job_refuse_queued(struct server *s, struct job *j, const char *code, const char *why);
/* Slots in use (requests, answered workers still exiting, pool workers). */
unsigned job_slots_used(const struct server *s);
void job_tick(struct server *s, uint64_t now);
int worker_spawn(struct server *s, struct job *j, bool warm, char *err, size_t errlen);
void worker_release(struct server *s, struct job *j);

/* serve/pool.c: --pool warm workers of the current policy */
void pool_refill(struct server *s);
/* Retire old and idle warm workers; build new ones only when build. */
void pool_maintain(struct server *s, bool build);
void pool_retire_all(struct server *s);
/* Give the queued request j a ready warm worker: 0, or -1 (j->start_reason
 * says why it must start cold). */
int pool_take(struct server *s, struct job *j);
void pool_event(struct server *s, struct job *j, uint32_t tag, uint32_t events);
void job_free(struct job *j);
/* A line for the execution's client, if it is still there. */
void job_to_client(struct server *s, const struct job *j, const char *line, size_t len);
/* serve/relay.c: the worker's relay is readable */
void job_relay_readable(struct server *s, struct job *j);
/* a result line for the client's tool call (ok with value, or an error) */
void job_answer_call(struct server *s, struct job *j, const struct json_node *msg);
struct job *job_find(struct server *s, unsigned conn, unsigned serial, const char *id_json);

/* serve/stats.c */
void stats_done(struct server *s, const struct job *j, const char *status, double latency_ms);
char *stats_json(const struct server *s, size_t *len);
void stats_log(const struct server *s, const struct job *j, const char *status, const char *reason,
	       const char *start, const struct json_node *result);

#endif
