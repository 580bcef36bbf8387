/*
 * tools.h - the host tools a jailed program may call: the manifest format
 * (--tools FILE, --tool NAME=COMMAND), argument checking against each tool's
 * JSON Schema, and the model-facing description. Pure code: nothing here
 * runs a tool, exits or prints. Errors are returned as -errno with a
 * one-line message in the caller's buffer.
 */
#ifndef ACTJAIL_TOOLS_H
#define ACTJAIL_TOOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bridge/json.h"

#define TOOL_DEFAULT_TIMEOUT_MS 30000
#define TOOL_DEFAULT_MAX_OUTPUT (1u << 20)

struct tool {
	char *name;		      /* a Python identifier */
	char *description;	      /* may be empty */
	struct json_node *parameters; /* JSON Schema of the arguments object, or NULL */
	char **command;		      /* argv, NULL-terminated; NULL: served by the relay */
	char *cwd;		      /* directory the command runs in, or NULL */
	uint64_t timeout_ms;
	uint64_t max_output; /* bytes of stdout kept; more is an error */
};

struct toolset {
	struct tool *tools;
	size_t n;
};

/* Add the tools of a manifest ({"tools":[...]} or a bare array). Relative
 * commands run in the manifest's directory (dir may be NULL). */
int toolset_load_manifest(struct toolset *ts, const char *text, size_t len, const char *filename,
			  const char *dir, char *err, size_t errlen);

/* Add "NAME=COMMAND": COMMAND runs as /bin/sh -c COMMAND. */
int toolset_add_command(struct toolset *ts, const char *spec, char *err, size_t errlen);

const struct tool *toolset_find(const struct toolset *ts, const char *name);

/* "a, b, c" of every tool's name into buf (truncated to fit). */
void toolset_names(const struct toolset *ts, char *buf, size_t len);

void toolset_free(struct toolset *ts);

/* Check value against schema (type, properties, required,
 * additionalProperties false, items, enum). 0, or -EINVAL with the first
 * violation as "args.user_id: expected integer, got string". */
int schema_check(const struct json_node *schema, const struct json_node *value, const char *path,
		 char *err, size_t errlen);

/* How a program calls the tool: call_tool("get_orders", user_id=<int>, [limit=<int>]). */
void tool_signature(const struct tool *t, char *buf, size_t len);

/* The tools as the JSON array list_tools() returns inside the jail and
 * `tools describe --json` prints: name, (with signatures) signature,
 * description and parameters (the schema, {} without). The one encoder of
 * tool descriptions. Allocated text, its length in *len. */
char *toolset_describe_json(const struct toolset *ts, bool signatures, size_t *len);

#endif
