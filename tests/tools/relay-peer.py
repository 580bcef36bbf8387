#!/usr/bin/env python3
"""A relay peer for tests and benchmarks: runs actjail with --relay-fd and
serves its tool calls from this process.

usage: relay-peer.py ACTJAIL run|exec [ARGS...]   (the program comes on stdin)

Tools served: echo (returns its args), add (a+b), fail (always an error),
slow (answers after `seconds`), barrier (answers only once `n` barrier calls
are waiting at the same time: proof that calls are in flight together), and
anything else is reported unknown.
Prints actjail's stdout to stdout and exits with its status.
"""
import json
import os
import socket
import subprocess
import sys
import threading
import time

ours, theirs = socket.socketpair()
fd = theirs.fileno()
cmd = sys.argv[1:3] + ["--relay-fd", str(fd)] + sys.argv[3:]
proc = subprocess.Popen(cmd, pass_fds=[fd])
theirs.close()

lock = threading.Lock()
waiting = []


def send(msg):
    data = (json.dumps(msg, separators=(",", ":")) + "\n").encode()
    with lock:
        ours.sendall(data)


def delayed(msg, seconds):
    time.sleep(seconds)
    send(msg)


def serve():
    f = ours.makefile("rb")
    for line in f:
        m = json.loads(line)
        if m.get("op") != "call":
            continue
        tool, args, mid = m["tool"], m.get("args", {}), m["id"]
        if tool == "echo":
            send({"op": "result", "id": mid, "ok": True, "value": args})
        elif tool == "add":
            send({"op": "result", "id": mid, "ok": True, "value": args["a"] + args["b"]})
        elif tool == "fail":
            send({"op": "result", "id": mid, "ok": False, "error": "relay says no"})
        elif tool == "barrier":
            waiting.append(mid)
            if len(waiting) >= int(args.get("n", 2)):
                for w in waiting:
                    send({"op": "result", "id": w, "ok": True, "value": len(waiting)})
                waiting.clear()
        elif tool == "slow":
            threading.Thread(target=delayed, daemon=True,
                             args=({"op": "result", "id": mid, "ok": True, "value": "late"},
                                   float(args.get("seconds", 1)))).start()
        else:
            send({"op": "result", "id": mid, "ok": False, "error": "relay has no tool %s" % tool})


threading.Thread(target=serve, daemon=True).start()
sys.exit(proc.wait())
