/* tools.c - tool manifests, argument schemas and signatures (see tools.h). */
#define _GNU_SOURCE
#include "bridge/tools.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/message.h"
#include "jail/util.h"

#define MANIFEST_MAX_DEPTH 64
#define MAX_TOOLS	   256

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen, const char *fmt,
						      ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool identifier(const char *s)
{
	size_t i;

	if (!s[0] || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	for (i = 1; s[i]; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return i <= 64;
}

/* Deep copy, so a tool's schema outlives the manifest's tree. */
static struct json_node *clone_node(const struct json_node *n)
{
	struct json_node *c = xcalloc(1, sizeof(*c));
	size_t i;

	*c = *n;
	switch (n->type) {
	case JSON_NUMBER:
		c->u.number.text = xstrdup(n->u.number.text);
		break;
	case JSON_STRING:
		c->u.string.ptr = xmalloc(n->u.string.len + 1);
		memcpy(c->u.string.ptr, n->u.string.ptr, n->u.string.len + 1);
		break;
	case JSON_ARRAY:
		c->u.array.items = xcalloc(n->u.array.len, sizeof(*c->u.array.items));
		for (i = 0; i < n->u.array.len; i++)
			c->u.array.items[i] = clone_node(n->u.array.items[i]);
		break;
	case JSON_OBJECT:
		c->u.object.keys = xcalloc(n->u.object.len, sizeof(char *));
		c->u.object.key_lens = xcalloc(n->u.object.len, sizeof(size_t));
		c->u.object.values = xcalloc(n->u.object.len, sizeof(*c->u.object.values));
		for (i = 0; i < n->u.object.len; i++) {
			c->u.object.key_lens[i] = n->u.object.key_lens[i];
			c->u.object.keys[i] = xmalloc(n->u.object.key_lens[i] + 1);
			memcpy(c->u.object.keys[i], n->u.object.keys[i],
			       n->u.object.key_lens[i] + 1);
			c->u.object.values[i] = clone_node(n->u.object.values[i]);
		}
		break;
	default:
		break;
	}
	return c;
}

static struct tool *new_tool(struct toolset *ts, const char *name, char *err, size_t errlen)
{
	struct tool *t;

	if (!identifier(name)) {
		fail(err, errlen,
		     "tool name \"%.64s\" is not an identifier ([A-Za-z_][A-Za-z0-9_]*)", name);
		return NULL;
	}
	if (toolset_find(ts, name)) {
		fail(err, errlen, "tool \"%s\" defined twice", name);
		return NULL;
	}
	if (ts->n >= MAX_TOOLS) {
		fail(err, errlen, "more than %d tools", MAX_TOOLS);
		return NULL;
	}
	ts->tools = xrealloc(ts->tools, (ts->n + 1) * sizeof(*ts->tools));
	t = &ts->tools[ts->n++];
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	t->description = xstrdup("");
	t->timeout_ms = TOOL_DEFAULT_TIMEOUT_MS;
	t->max_output = TOOL_DEFAULT_MAX_OUTPUT;
	return t;
}

static int check_schema_shape(const struct json_node *s, const char *path, char *err, size_t errlen)
{
	static const char *const types[] = { "object", "array",	  "string", "integer",
					     "number", "boolean", "null" };
	const struct json_node *t, *props, *req;
	size_t i, k;

	if (s->type != JSON_OBJECT)
		return fail(err, errlen, "%s: a schema must be an object", path);
	t = json_get(s, "type");
	if (t && t->type == JSON_STRING) {
		for (k = 0; k < ARRAY_SIZE(types); k++)
			if (!strcmp(t->u.string.ptr, types[k]))
				break;
		if (k == ARRAY_SIZE(types))
			return fail(err, errlen, "%s.type: unknown type \"%.32s\"", path,
				    t->u.string.ptr);
	} else if (t && t->type != JSON_ARRAY) {
		return fail(err, errlen, "%s.type: must be a string or a list", path);
	}
	props = json_get(s, "properties");
	if (props) {
		if (props->type != JSON_OBJECT)
			return fail(err, errlen, "%s.properties: must be an object", path);
		for (i = 0; i < props->u.object.len; i++) {
			char sub[256];
			int r;

			(void)snprintf(sub, sizeof(sub), "%s.properties.%.64s", path,
				       props->u.object.keys[i]);
			r = check_schema_shape(props->u.object.values[i], sub, err, errlen);
			if (r)
				return r;
		}
	}
	req = json_get(s, "required");
	if (req) {
		if (req->type != JSON_ARRAY)
			return fail(err, errlen, "%s.required: must be a list of names", path);
		for (i = 0; i < req->u.array.len; i++)
			if (req->u.array.items[i]->type != JSON_STRING)
				return fail(err, errlen, "%s.required[%zu]: must be a string", path,
					    i);
	}
	return 0;
}

static int parse_tool(struct toolset *ts, const struct json_node *o, size_t idx, const char *dir,
		      char *err, size_t errlen)
{
	const struct json_node *v;
	struct tool *t;
	size_t i;

	if (o->type != JSON_OBJECT)
		return fail(err, errlen, "%u:%u: tools[%zu]: must be an object", o->line, o->column,
			    idx);
	for (i = 0; i < o->u.object.len; i++) {
		static const char *const known[] = { "name",	"description", "parameters",
						     "command", "timeout",     "max_output" };
		size_t k;

		for (k = 0; k < ARRAY_SIZE(known); k++)
			if (!strcmp(o->u.object.keys[i], known[k]))
				break;
		if (k == ARRAY_SIZE(known))
			return fail(err, errlen, "%u:%u: tools[%zu].%.64s: unknown field",
				    o->u.object.values[i]->line, o->u.object.values[i]->column, idx,
				    o->u.object.keys[i]);
	}
	v = json_get(o, "name");
	if (!v || v->type != JSON_STRING)
		return fail(err, errlen, "%u:%u: tools[%zu].name: required string", o->line,
			    o->column, idx);
	t = new_tool(ts, v->u.string.ptr, err, errlen);
	if (!t)
		return -EINVAL;
	v = json_get(o, "description");
	if (v) {
		if (v->type != JSON_STRING)
			return fail(err, errlen, "%u:%u: tools[%zu].description: must be a string",
				    v->line, v->column, idx);
		free(t->description);
		t->description = xstrdup(v->u.string.ptr);
	}
	v = json_get(o, "parameters");
	if (v) {
		char path[64];
		int r;

		(void)snprintf(path, sizeof(path), "tools[%zu].parameters", idx);
		r = check_schema_shape(v, path, err, errlen);
		if (r)
			return r;
		t->parameters = clone_node(v);
	}
	v = json_get(o, "command");
	if (!v) {
		/* no command: the caller's relay serves it (--relay-fd); its
		 * schema is checked and list_tools() shows it all the same */
		if (json_get(o, "timeout") || json_get(o, "max_output"))
			return fail(err, errlen,
				    "%u:%u: tools[%zu]: timeout and max_output are for command "
				    "tools (this one has no command: the relay serves it)",
				    o->line, o->column, idx);
		return 0;
	}
	if (v->type != JSON_ARRAY || v->u.array.len == 0)
		return fail(err, errlen,
			    "%u:%u: tools[%zu].command: a non-empty list (argv), or no command for "
			    "a tool the relay serves",
			    v->line, v->column, idx);
	t->command = xcalloc(v->u.array.len + 1, sizeof(char *));
	for (i = 0; i < v->u.array.len; i++) {
		const struct json_node *a = v->u.array.items[i];

		if (a->type != JSON_STRING || strlen(a->u.string.ptr) != a->u.string.len)
			return fail(err, errlen, "%u:%u: tools[%zu].command[%zu]: must be a string",
				    a->line, a->column, idx, i);
		t->command[i] = xstrdup(a->u.string.ptr);
	}
	t->cwd = dir ? xstrdup(dir) : NULL;
	v = json_get(o, "timeout");
	if (v) {
		double s;

		if (json_get_double(v, &s) < 0 || !(s > 0) || s > 86400)
			return fail(err, errlen, "%u:%u: tools[%zu].timeout: seconds in (0, 86400]",
				    v->line, v->column, idx);
		t->timeout_ms = (uint64_t)(s * 1000.0 + 0.999);
	}
	v = json_get(o, "max_output");
	if (v && (json_get_u64(v, &t->max_output) < 0 || t->max_output < 2 ||
		  t->max_output > (1u << 30)))
		return fail(err, errlen, "%u:%u: tools[%zu].max_output: bytes in [2, 2^30]",
			    v->line, v->column, idx);
	return 0;
}

int toolset_load_manifest(struct toolset *ts, const char *text, size_t len, const char *filename,
			  const char *dir, char *err, size_t errlen)
{
	struct json_node *root = NULL;
	const struct json_node *list;
	struct json_error je;
	char msg[256];
	size_t i;
	int r;

	r = json_parse(text, len, MANIFEST_MAX_DEPTH, &root, &je);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return fail(err, errlen, "%s:%u:%u: syntax error: %s", filename, je.line, je.column,
			    je.message);
	list = root->type == JSON_OBJECT ? json_get(root, "tools") : root;
	if (!list || list->type != JSON_ARRAY) {
		json_free(root);
		return fail(err, errlen, "%s:1:1: expected {\"tools\": [...]} or a list of tools",
			    filename);
	}
	for (i = 0; i < list->u.array.len; i++) {
		r = parse_tool(ts, list->u.array.items[i], i, dir, msg, sizeof(msg));
		if (r) {
			(void)snprintf(err, errlen, "%s:%s", filename, msg);
			break;
		}
	}
	json_free(root);
	return r;
}

int toolset_add_command(struct toolset *ts, const char *spec, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '=');
	char name[80];
	struct tool *t;

	if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof(name) || !eq[1])
		return fail(err, errlen, "--tool %.80s: expected NAME=COMMAND", spec);
	memcpy(name, spec, (size_t)(eq - spec));
	name[eq - spec] = '\0';
	t = new_tool(ts, name, err, errlen);
	if (!t)
		return -EINVAL;
	t->command = xcalloc(4, sizeof(char *));
	t->command[0] = xstrdup("/bin/sh");
	t->command[1] = xstrdup("-c");
	t->command[2] = xstrdup(eq + 1);
	return 0;
}

const struct tool *toolset_find(const struct toolset *ts, const char *name)
{
	size_t i;

	for (i = 0; i < ts->n; i++)
		if (!strcmp(ts->tools[i].name, name))
			return &ts->tools[i];
	return NULL;
}

void toolset_names(const struct toolset *ts, char *buf, size_t len)
{
	size_t i, used = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (i = 0; i < ts->n && used + 1 < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", ts->tools[i].name);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

void toolset_free(struct toolset *ts)
{
	size_t i, k;

	for (i = 0; i < ts->n; i++) {
		struct tool *t = &ts->tools[i];

		free(t->name);
		free(t->description);
		json_free(t->parameters);
		for (k = 0; t->command && t->command[k]; k++)
			free(t->command[k]);
		free(t->command);
		free(t->cwd);
	}
	free(ts->tools);
	memset(ts, 0, sizeof(*ts));
}

/* ---- argument checking ---------------------------------------------------- */

static bool is_integer(const struct json_node *v)
{
	const char *p = v->u.number.text;

	/* JSON integers have no fraction or exponent; 1.0 is accepted too */
	if (!strpbrk(p, ".eE"))
		return true;
	{
		double d;

		return json_get_double(v, &d) == 0 && d == (double)(long long)d;
	}
}

static bool type_matches(const char *t, const struct json_node *v)
{
	if (!strcmp(t, "object"))
		return v->type == JSON_OBJECT;
	if (!strcmp(t, "array"))
		return v->type == JSON_ARRAY;
	if (!strcmp(t, "string"))
		return v->type == JSON_STRING;
	if (!strcmp(t, "number"))
		return v->type == JSON_NUMBER;
	if (!strcmp(t, "integer"))
		return v->type == JSON_NUMBER && is_integer(v);
	if (!strcmp(t, "boolean"))
		return v->type == JSON_BOOL;
	if (!strcmp(t, "null"))
		return v->type == JSON_NULL;
	return true; /* unknown types were refused when the manifest loaded */
}

static bool json_equal(const struct json_node *a, const struct json_node *b)
{
	size_t i;

	if (a->type != b->type)
		return false;
	switch (a->type) {
	case JSON_NULL:
		return true;
	case JSON_BOOL:
		return a->u.boolean == b->u.boolean;
	case JSON_NUMBER:
		return !strcmp(a->u.number.text, b->u.number.text);
	case JSON_STRING:
		return a->u.string.len == b->u.string.len &&
		       !memcmp(a->u.string.ptr, b->u.string.ptr, a->u.string.len);
	case JSON_ARRAY:
		if (a->u.array.len != b->u.array.len)
			return false;
		for (i = 0; i < a->u.array.len; i++)
			if (!json_equal(a->u.array.items[i], b->u.array.items[i]))
				return false;
		return true;
	case JSON_OBJECT:
		if (a->u.object.len != b->u.object.len)
			return false;
		for (i = 0; i < a->u.object.len; i++) {
			const struct json_node *o = json_get(b, a->u.object.keys[i]);

			if (!o || !json_equal(a->u.object.values[i], o))
				return false;
		}
		return true;
	}
	return false;
}

int schema_check(const struct json_node *schema, const struct json_node *value, const char *path,
		 char *err, size_t errlen)
{
	const struct json_node *t, *props, *req, *items, *en, *extra;
	size_t i;

	if (!schema || schema->type != JSON_OBJECT)
		return 0;
	t = json_get(schema, "type");
	if (t && t->type == JSON_STRING && !type_matches(t->u.string.ptr, value))
		return fail(err, errlen, "%s: expected %s, got %s", path, t->u.string.ptr,
			    value->type == JSON_NUMBER && !strcmp(t->u.string.ptr, "integer")
				    ? "a non-integer number"
				    : json_type_name(value->type));
	if (t && t->type == JSON_ARRAY) {
		bool any = false;

		for (i = 0; i < t->u.array.len; i++)
			if (t->u.array.items[i]->type == JSON_STRING &&
			    type_matches(t->u.array.items[i]->u.string.ptr, value))
				any = true;
		if (!any)
			return fail(err, errlen, "%s: %s is not one of the allowed types", path,
				    json_type_name(value->type));
	}
	en = json_get(schema, "enum");
	if (en && en->type == JSON_ARRAY) {
		for (i = 0; i < en->u.array.len; i++)
			if (json_equal(en->u.array.items[i], value))
				break;
		if (i == en->u.array.len)
			return fail(err, errlen, "%s: not one of the allowed values", path);
	}
	if (value->type == JSON_OBJECT) {
		props = json_get(schema, "properties");
		req = json_get(schema, "required");
		for (i = 0; req && req->type == JSON_ARRAY && i < req->u.array.len; i++) {
			const struct json_node *k = req->u.array.items[i];

			if (k->type == JSON_STRING && !json_get(value, k->u.string.ptr))
				return fail(err, errlen, "%s: missing required argument \"%.64s\"",
					    path, k->u.string.ptr);
		}
		extra = json_get(schema, "additionalProperties");
		for (i = 0; i < value->u.object.len; i++) {
			const struct json_node *ps =
				props && props->type == JSON_OBJECT
					? json_get(props, value->u.object.keys[i])
					: NULL;
			char sub[192];
			int r;

			(void)snprintf(sub, sizeof(sub), "%s.%.64s", path, value->u.object.keys[i]);
			if (!ps && extra && extra->type == JSON_BOOL && !extra->u.boolean)
				return fail(err, errlen, "%s: unexpected argument", sub);
			if (ps) {
				r = schema_check(ps, value->u.object.values[i], sub, err, errlen);
				if (r)
					return r;
			}
		}
	}
	items = json_get(schema, "items");
	if (value->type == JSON_ARRAY && items && items->type == JSON_OBJECT) {
		for (i = 0; i < value->u.array.len; i++) {
			char sub[192];
			int r;

			(void)snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			r = schema_check(items, value->u.array.items[i], sub, err, errlen);
			if (r)
				return r;
		}
	}
	return 0;
}

/* ---- descriptions ---------------------------------------------------------- */

static const char *py_type(const struct json_node *schema)
{
	const struct json_node *t = schema ? json_get(schema, "type") : NULL;
	static const char *const map[][2] = { { "string", "str" },   { "integer", "int" },
					      { "number", "float" }, { "boolean", "bool" },
					      { "array", "list" },   { "object", "dict" },
					      { "null", "None" } };
	size_t i;

	if (!t || t->type != JSON_STRING)
		return "Any";
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (!strcmp(t->u.string.ptr, map[i][0]))
			return map[i][1];
	return "Any";
}

static bool required(const struct json_node *schema, const char *name)
{
	const struct json_node *req = json_get(schema, "required");
	size_t i;

	for (i = 0; req && req->type == JSON_ARRAY && i < req->u.array.len; i++)
		if (req->u.array.items[i]->type == JSON_STRING &&
		    !strcmp(req->u.array.items[i]->u.string.ptr, name))
			return true;
	return false;
}

void tool_signature(const struct tool *t, char *buf, size_t len)
{
	const struct json_node *props =
		t->parameters ? json_get(t->parameters, "properties") : NULL;
	size_t used, i;
	int pass;

	/* how the program calls it: call_tool("get_orders", user_id=<int>, [limit=<int>]) */
	(void)snprintf(buf, len, "call_tool(\"%s\"", t->name);
	used = strlen(buf);
	for (pass = 0; pass < 2 && props && props->type == JSON_OBJECT; pass++) {
		for (i = 0; i < props->u.object.len && used + 1 < len; i++) {
			const char *k = props->u.object.keys[i];
			bool req = required(t->parameters, k);
			int n;

			if (req != (pass == 0))
				continue;
			n = snprintf(buf + used, len - used, req ? ", %s=<%s>" : ", [%s=<%s>]", k,
				     py_type(props->u.object.values[i]));
			if (n < 0)
				return;
			used += (size_t)n;
		}
	}
	if (used + 1 < len)
		(void)snprintf(buf + used, len - used, ")");
}

/* Append text to the growing buffer *b (length *n, capacity *cap). */
static void put(char **b, size_t *n, size_t *cap, const char *text, size_t len)
{
	if (*n + len + 1 > *cap) {
		*cap = (*n + len + 1) * 2;
		*b = xrealloc(*b, *cap);
	}
	memcpy(*b + *n, text, len);
	*n += len;
	(*b)[*n] = '\0';
}

/* A JSON value of ours, as text: a string when node is NULL and s is set. */
static void put_json(char **b, size_t *n, size_t *cap, const struct json_node *node, const char *s)
{
	struct json_node str = { .type = JSON_STRING };
	size_t len;
	char *t;

	if (!node) {
		str.u.string.ptr = (char *)(s ? s : "");
		str.u.string.len = s ? strlen(s) : 0;
		node = &str;
	}
	t = message_encode(node, &len);
	if (t)
		put(b, n, cap, t, len);
	else
		put(b, n, cap, node == &str ? "\"\"" : "{}", 2);
	free(t);
}

char *toolset_describe_json(const struct toolset *ts, bool signatures, size_t *len)
{
	size_t n = 0, cap = 256;
	char *b = xmalloc(cap);

	b[0] = '\0';
	put(&b, &n, &cap, "[", 1);
	for (size_t i = 0; i < ts->n; i++) {
		const struct tool *t = &ts->tools[i];
		static const struct json_node empty = { .type = JSON_OBJECT };

		put(&b, &n, &cap, i ? ",{\"name\":" : "{\"name\":", i ? 9 : 8);
		put_json(&b, &n, &cap, NULL, t->name);
		if (signatures) {
			char sig[1024];

			tool_signature(t, sig, sizeof(sig));
			put(&b, &n, &cap, ",\"signature\":", 13);
			put_json(&b, &n, &cap, NULL, sig);
		}
		put(&b, &n, &cap, ",\"description\":", 15);
		put_json(&b, &n, &cap, NULL, t->description);
		put(&b, &n, &cap, ",\"parameters\":", 14);
		put_json(&b, &n, &cap, t->parameters ? t->parameters : &empty, NULL);
		put(&b, &n, &cap, "}", 1);
	}
	put(&b, &n, &cap, "]", 1);
	*len = n;
	return b;
}
