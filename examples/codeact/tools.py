#!/usr/bin/env python3
"""Command tools of the CodeAct demo. actjail runs this on the host, outside
the jail: the tool's name is argv[1], its arguments arrive as a JSON object on
stdin, and it prints one JSON value."""
import json
import os
import sys

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "data.json")) as f:
    DATA = json.load(f)

tool = sys.argv[1]
args = json.load(sys.stdin)
if tool == "get_users":
    print(json.dumps([{"id": u["id"], "name": u["name"]} for u in DATA["users"]]))
elif tool == "get_orders":
    uid = args["user_id"]
    if not any(u["id"] == uid for u in DATA["users"]):
        print("no user with id %s" % uid, file=sys.stderr)
        sys.exit(1)
    print(json.dumps([o for o in DATA["orders"] if o["user_id"] == uid]))
else:
    sys.exit("unknown tool %s" % tool)
