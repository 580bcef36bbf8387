/* message.c - bridge messages (see message.h). */
#define _GNU_SOURCE
#include "bridge/message.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl_gen.h>

#include "jail/util.h"

static int gstr(yajl_gen g, const char *s)
{
	return yajl_gen_string(g, (const unsigned char *)s, strlen(s)) == yajl_gen_status_ok ? 0
											     : -1;
}

static int gstrn(yajl_gen g, const char *s, size_t n)
{
	return yajl_gen_string(g, (const unsigned char *)s, n) == yajl_gen_status_ok ? 0 : -1;
}

/* Take the generated text and append the newline that frames it. */
static char *finish(yajl_gen g, size_t *len)
{
	const unsigned char *buf;
	size_t n;
	char *out = NULL;

	if (yajl_gen_get_buf(g, &buf, &n) == yajl_gen_status_ok) {
		out = malloc(n + 2);
		if (out) {
			memcpy(out, buf, n);
			out[n] = '\n';
			out[n + 1] = '\0';
			*len = n + 1;
		}
	}
	yajl_gen_free(g);
	return out;
}

static yajl_gen new_gen(void)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	/* Refuse to emit invalid UTF-8 rather than send a broken message. */
	if (g)
		yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	return g;
}

char *message_exec(const char *code, size_t code_len, const char *filename, size_t max_message,
		   size_t *len)
{
	yajl_gen g = new_gen();
	char limit[32];

	if (!g)
		return NULL;
	/* a string, so the runner's small decoder needs no number parser */
	(void)snprintf(limit, sizeof(limit), "%zu", max_message);
	if (yajl_gen_map_open(g) != yajl_gen_status_ok || gstr(g, "op") || gstr(g, "exec") ||
	    gstr(g, "filename") || gstr(g, filename) || gstr(g, "max_message_bytes") ||
	    gstr(g, limit) || gstr(g, "code") || gstrn(g, code, code_len) ||
	    yajl_gen_map_close(g) != yajl_gen_status_ok) {
		yajl_gen_free(g);
		return NULL;
	}
	return finish(g, len);
}

/* Append raw JSON text (already validated and compact) to a string. */
static char *concat(const char *const *parts, size_t n, size_t *len)
{
	size_t total = 0, i, at = 0;
	char *out;

	for (i = 0; i < n; i++)
		total += strlen(parts[i]);
	out = malloc(total + 1);
	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		size_t k = strlen(parts[i]);

		memcpy(out + at, parts[i], k);
		at += k;
	}
	out[at] = '\0';
	*len = at;
	return out;
}

/* A string as JSON text (quoted, escaped), sanitised to valid UTF-8. */
static char *quote(const char *s)
{
	yajl_gen g = new_gen();
	size_t n, m;
	char *clean, *out;
	int bad;

	if (!g)
		return NULL;
	clean = utf8_sanitize(s, strlen(s), &n);
	bad = gstrn(g, clean, n);
	free(clean);
	if (bad) {
		yajl_gen_free(g);
		return NULL;
	}
	out = finish(g, &m);
	if (out)
		out[m - 1] = '\0'; /* drop finish()'s newline */
	return out;
}

char *message_protocol_error(const char *text, const char *id_json, size_t *len)
{
	char *q = quote(text), *out;

	if (!q)
		return NULL;
	if (id_json) {
		const char *parts[] = { "{\"op\":\"error\",\"id\":", id_json, ",\"error\":", q,
					"}\n" };

		out = concat(parts, 5, len);
	} else {
		const char *parts[] = { "{\"op\":\"error\",\"error\":", q, "}\n" };

		out = concat(parts, 3, len);
	}
	free(q);
	return out;
}

char *message_result(const char *id_json, const char *value_json, const char *error, size_t *len)
{
	char *q, *out;

	if (!error) {
		const char *parts[] = { "{\"op\":\"result\",\"id\":", id_json,
					",\"ok\":true,\"value\":", value_json, "}\n" };

		return concat(parts, 5, len);
	}
	q = quote(error);
	if (!q)
		return NULL;
	{
		const char *parts[] = { "{\"op\":\"result\",\"id\":", id_json,
					",\"ok\":false,\"error\":", q, "}\n" };

		out = concat(parts, 5, len);
	}
	free(q);
	return out;
}

char *message_call(const char *id_json, const char *tool, const char *args_json, size_t *len)
{
	char *q = quote(tool), *out;

	if (!q)
		return NULL;
	{
		const char *parts[] = { "{\"op\":\"call\",\"id\":",
					id_json,
					",\"tool\":",
					q,
					",\"args\":",
					args_json,
					"}\n" };

		out = concat(parts, 7, len);
	}
	free(q);
	return out;
}

static int emit(yajl_gen g, const struct json_node *n)
{
	size_t i;

	switch (n->type) {
	case JSON_NULL:
		return yajl_gen_null(g) == yajl_gen_status_ok ? 0 : -1;
	case JSON_BOOL:
		return yajl_gen_bool(g, n->u.boolean) == yajl_gen_status_ok ? 0 : -1;
	case JSON_NUMBER:
		/* as written: big integers and exact decimals pass through intact */
		return yajl_gen_number(g, n->u.number.text, strlen(n->u.number.text)) ==
				       yajl_gen_status_ok
			       ? 0
			       : -1;
	case JSON_STRING:
		return gstrn(g, n->u.string.ptr, n->u.string.len);
	case JSON_ARRAY:
		if (yajl_gen_array_open(g) != yajl_gen_status_ok)
			return -1;
		for (i = 0; i < n->u.array.len; i++)
			if (emit(g, n->u.array.items[i]))
				return -1;
		return yajl_gen_array_close(g) == yajl_gen_status_ok ? 0 : -1;
	case JSON_OBJECT:
		if (yajl_gen_map_open(g) != yajl_gen_status_ok)
			return -1;
		for (i = 0; i < n->u.object.len; i++)
			if (gstrn(g, n->u.object.keys[i], n->u.object.key_lens[i]) ||
			    emit(g, n->u.object.values[i]))
				return -1;
		return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
	}
	return -1;
}

char *message_encode(const struct json_node *n, size_t *len)
{
	yajl_gen g = new_gen();
	char *out;

	if (!g)
		return NULL;
	/* yajl refuses a bare scalar at the top level unless told otherwise */
	yajl_gen_config(g, yajl_gen_beautify, 0);
	if (emit(g, n)) {
		yajl_gen_free(g);
		return NULL;
	}
	out = finish(g, len);
	if (out)
		out[--*len] = '\0';
	return out;
}

int message_parse(const char *line, size_t len, struct json_node **root, const char **op, char *why,
		  size_t whylen)
{
	struct json_node *n = NULL;
	struct json_error e;
	const struct json_node *o;
	int r;

	*root = NULL;
	r = json_parse_limited(line, len, MESSAGE_MAX_DEPTH, MESSAGE_MAX_VALUES, &n, &e);
	if (r == -ENOMEM) {
		(void)snprintf(why, whylen, "out of memory");
		return r;
	}
	if (r < 0) {
		(void)snprintf(why, whylen, "invalid JSON at column %u: %s", e.column, e.message);
		return -EINVAL;
	}
	if (n->type != JSON_OBJECT) {
		(void)snprintf(why, whylen, "a message must be a JSON object");
		json_free(n);
		return -EINVAL;
	}
	o = json_get(n, "op");
	if (!o || o->type != JSON_STRING) {
		(void)snprintf(why, whylen, "a message needs a string \"op\"");
		json_free(n);
		return -EINVAL;
	}
	*op = o->u.string.ptr;
	*root = n;
	return 0;
}

const char *message_string(const struct json_node *obj, const char *key, size_t *len)
{
	const struct json_node *v = json_get(obj, key);

	if (!v || v->type != JSON_STRING)
		return NULL;
	if (len)
		*len = v->u.string.len;
	return v->u.string.ptr;
}
