/*
 * fuzz_message.c - libFuzzer target for the launcher's side of the bridge:
 * the bytes a jailed program writes go through the framing, the message
 * parser, the checks a tool call gets (id, tool, arguments against a schema)
 * and the encoders of replies. Oracle: whatever parses re-encodes, and the
 * re-encoding parses again to the same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/frame.h"
#include "bridge/message.h"
#include "bridge/tools.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct toolset tools;

static void setup(void)
{
	static const char manifest[] =
		"{\"tools\":[{\"name\":\"t\",\"command\":[\"true\"],\"parameters\":{\"type\":\"object\","
		"\"properties\":{\"n\":{\"type\":\"integer\"},\"s\":{\"type\":[\"string\",\"null\"]},"
		"\"l\":{\"type\":\"array\",\"items\":{\"enum\":[1,\"a\",null]}}},"
		"\"required\":[\"n\"],\"additionalProperties\":false}}]}";
	char err[256];

	if (tools.n == 0 &&
	    toolset_load_manifest(&tools, manifest, sizeof(manifest) - 1, "m", NULL, err,
				  sizeof(err)) < 0)
		abort();
}

static void roundtrip(const struct json_node *n)
{
	struct json_node *again = NULL;
	struct json_error e;
	size_t len, len2;
	char *text = message_encode(n, &len), *text2;

	if (!text)
		abort(); /* a parsed tree is valid UTF-8 and must encode */
	if (json_parse(text, len, 1024, &again, &e) < 0)
		abort();
	text2 = message_encode(again, &len2);
	if (!text2 || len != len2 || memcmp(text, text2, len))
		abort();
	free(text2);
	json_free(again);
	free(text);
}

static int on_line(const char *line, size_t len, void *ctx)
{
	struct json_node *root = NULL;
	const struct json_node *id, *args, *tool;
	const char *op;
	char why[256], err[512];
	size_t n;

	(void)ctx;
	if (message_parse(line, len, &root, &op, why, sizeof(why)) < 0) {
		char *m = message_protocol_error(why, NULL, &n);

		if (!m)
			abort();
		free(m);
		return 0;
	}
	roundtrip(root);
	id = json_get(root, "id");
	tool = json_get(root, "tool");
	args = json_get(root, "args");
	if (args)
		(void)schema_check(tools.tools[0].parameters, args, "args", err, sizeof(err));
	if (id && (id->type == JSON_STRING || id->type == JSON_NUMBER)) {
		char *idj = message_encode(id, &n), *m;

		if (!idj)
			abort();
		m = message_result(idj, "null", NULL, &n);
		free(m);
		m = message_result(idj, NULL, why, &n);
		free(m);
		if (tool && tool->type == JSON_STRING && strlen(tool->u.string.ptr) == tool->u.string.len) {
			m = message_call(idj, tool->u.string.ptr, "{}", &n);
			free(m);
		}
		free(idj);
	}
	json_free(root);
	return 0;
}

static int on_oversize(size_t max, void *ctx)
{
	(void)max;
	(void)ctx;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame_reader r;
	size_t half = size / 2;

	setup();
	/* small bound, so oversized lines are exercised too; fed in two parts */
	frame_reader_init(&r, 4096);
	(void)frame_reader_feed(&r, (const char *)data, half, on_line, on_oversize, NULL);
	(void)frame_reader_feed(&r, (const char *)data + half, size - half, on_line, on_oversize, NULL);
	frame_reader_free(&r);
	return 0;
}
