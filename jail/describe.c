/*
 * describe.c - `actjail tools describe`: what a model needs to write
 * CodeAct programs against the host tools of a run (docs/protocol.md).
 */
#define _GNU_SOURCE
#include "jail/describe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/message.h"

static const char *tools_instructions(void)
{
	return "Write one Python 3 program. It runs in a sandbox with no network; the only way "
	       "to reach the outside is calling the host tools below.\n"
	       "- Call a tool with call_tool(\"name\", arg=value, ...): it returns the tool's "
	       "result as Python data (dict, list, str, int, float, bool or None).\n"
	       "- Inside async code use await call_tool(...); asyncio.gather(call_tool(...), "
	       "call_tool(...)) runs several calls at once. Top-level await is allowed.\n"
	       "- A failed call raises ToolError (a builtin; also: from actjail import "
	       "ToolError) with the host's message. list_tools() lists the tools.\n"
	       "- Input files are under /input (read-only). Write files to deliver under "
	       "/output; /tmp is scratch space. Everything else is read-only.\n"
	       "- Print the answer: only what the program prints to stdout is returned.";
}

static void print_json_string(const char *s)
{
	struct json_node n = { .type = JSON_STRING };
	size_t len;
	char *t;

	n.u.string.ptr = (char *)s;
	n.u.string.len = strlen(s);
	t = message_encode(&n, &len);
	fputs(t ? t : "\"\"", stdout);
	free(t);
}

static void print_params(const struct tool *t)
{
	const struct json_node *props =
		t->parameters ? json_get(t->parameters, "properties") : NULL;
	size_t i;

	for (i = 0; props && props->type == JSON_OBJECT && i < props->u.object.len; i++) {
		const struct json_node *d = json_get(props->u.object.values[i], "description");

		if (d && d->type == JSON_STRING)
			printf("      %s: %s\n", props->u.object.keys[i], d->u.string.ptr);
	}
}

int describe_tools(const struct toolset *ts, bool json)
{
	if (json) {
		size_t n;
		char *list = toolset_describe_json(ts, true, &n);

		printf("{\"tools\":%s,\"instructions\":", list);
		free(list);
		print_json_string(tools_instructions());
		printf("}\n");
	} else {
		printf("%s\n", tools_instructions());
		printf("Available tools:\n");
		for (size_t i = 0; i < ts->n; i++) {
			const struct tool *t = &ts->tools[i];
			char sig[1024];

			tool_signature(t, sig, sizeof(sig));
			printf("\n  %s\n", sig);
			if (*t->description)
				printf("      %s\n", t->description);
			print_params(t);
		}
		if (!ts->n)
			printf("  (none)\n");
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
