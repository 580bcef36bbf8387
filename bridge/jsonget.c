/*
 * jsonget.c - the JSON tree once built (see json.h): looking keys up, and the typed accessors of numbers (integers exactly, doubles in
 * the C locale whatever the process's).
 */
#define _GNU_SOURCE /* strtod_l */
#include "bridge/json.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

const struct json_node *json_get(const struct json_node *obj, const char *key)
{
	size_t n;

	if (!obj || obj->type != JSON_OBJECT || !key)
		return NULL;
	n = strlen(key);
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (obj->u.object.key_lens[i] == n && memcmp(obj->u.object.keys[i], key, n) == 0)
			return obj->u.object.values[i];
	return NULL;
}

/* An integer in JSON syntax: -?[0-9]+ with nothing else (no fraction, no exponent). */
static bool integer_text(const char *t)
{
	if (*t == '-')
		t++;
	if (!*t)
		return false;
	for (; *t; t++)
		if (*t < '0' || *t > '9')
			return false;
	return true;
}

int json_get_i64(const struct json_node *n, int64_t *out)
{
	long long v;
	char *end;

	if (!n || n->type != JSON_NUMBER || !integer_text(n->u.number.text))
		return -EINVAL;
	errno = 0;
	v = strtoll(n->u.number.text, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int json_get_u64(const struct json_node *n, uint64_t *out)
{
	const char *t;
	unsigned long long v;
	char *end;

	if (!n || n->type != JSON_NUMBER || !integer_text(n->u.number.text))
		return -EINVAL;
	t = n->u.number.text;
	if (*t == '-') {
		/* strtoull would wrap "-1" to UINT64_MAX; only "-0" is in range */
		if (strspn(t + 1, "0") != strlen(t + 1))
			return -ERANGE;
		*out = 0;
		return 0;
	}
	errno = 0;
	v = strtoull(t, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

int json_get_double(const struct json_node *n, double *out)
{
	double d;
	char *end;

	if (!n || n->type != JSON_NUMBER)
		return -EINVAL;
	/* JSON's decimal point is '.', whatever setlocale() the program made */
	pthread_once(&c_locale_once, c_locale_init);
	if (!c_locale)
		return -ENOMEM;
	d = strtod_l(n->u.number.text, &end, c_locale);
	if (*end)
		return -EINVAL;
	if (!isfinite(d))
		return -ERANGE;
	*out = d;
	return 0;
}

const char *json_type_name(enum json_type t)
{
	static const char *const names[] = { "null",   "boolean", "number",
					     "string", "array",	  "object" };

	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}
