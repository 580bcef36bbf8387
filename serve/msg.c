/* msg.c - the server's protocol lines (see msg.h). */
#define _GNU_SOURCE
#include "serve/msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl_gen.h>

#include "jail/util.h"

char *msg_string(const char *s, size_t n)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len, m;
	char *out = NULL, *clean;

	if (!g)
		return NULL;
	clean = utf8_sanitize(s, n, &m);
	if (yajl_gen_string(g, (const unsigned char *)clean, m) == yajl_gen_status_ok &&
	    yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
		out = xmalloc(len + 1);
		memcpy(out, buf, len);
		out[len] = '\0';
	}
	free(clean);
	yajl_gen_free(g);
	return out;
}

/* Concatenate parts and a newline. */
static char *join(const char *const *parts, size_t n, size_t *len)
{
	size_t total = 1, at = 0;
	char *out;

	for (size_t i = 0; i < n; i++)
		total += strlen(parts[i]);
	out = xmalloc(total + 1);
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(parts[i]);

		memcpy(out + at, parts[i], l);
		at += l;
	}
	out[at++] = '\n';
	out[at] = '\0';
	*len = at;
	return out;
}

char *msg_error(const char *id_json, const char *code, const char *text, size_t *len)
{
	_cleanup_free_ char *c = msg_string(code, strlen(code)),
			    *t = msg_string(text, strlen(text));
	const char *parts[] = { "{\"op\":\"error\",\"id\":",
				id_json ? id_json : "null",
				",\"code\":",
				c,
				",\"error\":",
				t,
				"}" };

	if (!c || !t)
		return NULL;
	return join(parts, ARRAY_SIZE(parts), len);
}

char *msg_call(const char *id_json, const char *call_id_json, const char *tool,
	       const char *args_json, size_t *len)
{
	_cleanup_free_ char *t = msg_string(tool, strlen(tool));
	const char *parts[] = { "{\"op\":\"call\",\"id\":",
				id_json,
				",\"call_id\":",
				call_id_json,
				",\"tool\":",
				t,
				",\"args\":",
				args_json,
				"}" };

	if (!t)
		return NULL;
	return join(parts, ARRAY_SIZE(parts), len);
}

char *msg_done(const char *id_json, const char *result_json, size_t *len)
{
	const char *parts[] = { "{\"op\":\"done\",\"id\":", id_json, ",\"result\":", result_json,
				"}" };

	return join(parts, ARRAY_SIZE(parts), len);
}
