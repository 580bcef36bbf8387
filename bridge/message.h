/*
 * message.h - the launcher's side of the bridge protocol (docs/protocol.md):
 * newline-delimited JSON objects with an "op" field, generated with yajl.
 *
 * Encoders return a malloc'd line ending in '\n' (caller frees) or NULL on
 * a yajl failure (invalid UTF-8 in a string argument, or out of memory).
 * Nothing here exits or prints.
 */
#ifndef ACTJAIL_MESSAGE_H
#define ACTJAIL_MESSAGE_H

#include <stddef.h>

#include "bridge/json.h"

/* Deepest nesting accepted in a message from the jail. */
#define MESSAGE_MAX_DEPTH 64
/* Most values in one message from the jail: the tree costs ~100 bytes a
 * value, so this bounds one message's memory at ~25 MiB whatever its text. */
#define MESSAGE_MAX_VALUES 262144

/* launcher -> runner: {"op":"exec","filename":...,"max_message_bytes":"N","code":...}
 * (the limit as a decimal string: the runner refuses bigger calls itself). */
char *message_exec(const char *code, size_t code_len, const char *filename, size_t max_message,
		   size_t *len);

/* launcher -> jail: {"op":"error","error":TEXT} for a line it could not use,
 * with "id":ID_JSON when the line had a usable id (ID_JSON is JSON text).
 * TEXT is sanitised to valid UTF-8 first. */
char *message_protocol_error(const char *text, const char *id_json, size_t *len);

/* {"op":"result","id":ID_JSON,"ok":true,"value":VALUE_JSON} or, with
 * error set, "ok":false,"error":ERROR. ID_JSON and VALUE_JSON are JSON
 * texts without newlines (from message_encode). */
char *message_result(const char *id_json, const char *value_json, const char *error, size_t *len);

/* {"op":"call","id":ID_JSON,"tool":TOOL,"args":ARGS_JSON} for the relay. */
char *message_call(const char *id_json, const char *tool, const char *args_json, size_t *len);

/* One JSON value as compact text (numbers exactly as written), or NULL. */
char *message_encode(const struct json_node *n, size_t *len);

/* Parse one line from the jail. On success *root is an object whose "op"
 * member is a string (returned in *op, owned by the tree). On failure
 * returns -EINVAL with a one-line reason in why[] (and *root NULL). */
int message_parse(const char *line, size_t len, struct json_node **root, const char **op, char *why,
		  size_t whylen);

/* The string member key of obj, or NULL when absent or not a string. */
const char *message_string(const struct json_node *obj, const char *key, size_t *len);

#endif
