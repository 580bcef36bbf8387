/*
 * json.h - a small JSON tree built with yajl's callback parser, which keeps
 * the position of every value so that errors can name line and column.
 *
 * Used for policy files (trusted-ish, from the operator) and for bridge
 * messages (untrusted, from the jail): nesting depth is bounded and every
 * allocation is checked. Nothing here exits or prints.
 */
#ifndef ACTJAIL_JSON_H
#define ACTJAIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_node {
	enum json_type type;
	unsigned line, column; /* 1-based position of the value in the input */
	union {
		bool boolean;
		struct {
			char *text; /* the number exactly as written, NUL-terminated */
		} number;
		struct {
			char *ptr; /* NUL-terminated; may also contain NUL bytes */
			size_t len;
		} string;
		struct {
			struct json_node **items;
			size_t len;
		} array;
		struct {
			char **keys; /* NUL-terminated keys */
			size_t *key_lens;
			struct json_node **values;
			size_t len;
		} object;
	} u;
};

struct json_error {
	unsigned line, column; /* where parsing stopped */
	char message[160];
};

/*
 * Parse exactly one JSON value from buf[0..len) (surrounding white space
 * allowed, trailing garbage is an error). max_depth bounds nesting (values
 * above 1024 count as 1024: json_free() recurses). Strings must be strict
 * UTF-8 and \u escapes must pair surrogates; duplicate keys are refused.
 * Returns 0 and a tree in *out (free with json_free), -EINVAL with *err
 * filled for bad input, or -ENOMEM. Column numbers count characters.
 */
int json_parse(const char *buf, size_t len, unsigned max_depth, struct json_node **out,
	       struct json_error *err);

/*
 * json_parse() that also refuses input with more than max_nodes values. A
 * tree costs roughly 100 bytes per value and a value can take 2 bytes of
 * input ("0,"), so untrusted input of n bytes should be parsed with a bound
 * that keeps 100 * max_nodes affordable, not with json_parse().
 */
int json_parse_limited(const char *buf, size_t len, unsigned max_depth, size_t max_nodes,
		       struct json_node **out, struct json_error *err);

void json_free(struct json_node *node);

/* Member of an object by key, or NULL (also when obj is not an object). */
const struct json_node *json_get(const struct json_node *obj, const char *key);

/* Integer value of a number node that is an integer in range; 0 or -EINVAL/-ERANGE. */
int json_get_i64(const struct json_node *n, int64_t *out);
int json_get_u64(const struct json_node *n, uint64_t *out);
/* Any number node as a double; 0, -EINVAL, or -ERANGE when it overflows a double. */
int json_get_double(const struct json_node *n, double *out);

const char *json_type_name(enum json_type t);

#endif
