# actjail runner: runs inside the jail as `python3 -I -S -c <this file>`.
# It reads one {"op":"exec"} message from the bridge (fd 3), runs the code in
# a fresh __main__ with top-level await allowed, and reports an uncaught
# exception as {"op":"exception"} on the bridge (docs/protocol.md).
import sys

BRIDGE_FD = 3
CO_COROUTINE = 0x80
PyCF_ALLOW_TOP_LEVEL_AWAIT = 0x2000


def _paths():
    # -S skips site (and ~3 ms of start-up); add the system's package
    # directories by hand so Debian's numpy and pandas still import.
    v = "python%d.%d" % sys.version_info[:2]
    for p in ("/usr/local/lib/%s/dist-packages" % v, "/usr/lib/python3/dist-packages",
              "/usr/lib/%s/dist-packages" % v):
        if p not in sys.path:
            sys.path.append(p)


def _read_line(posix):
    chunks = []
    while True:
        b = posix.read(BRIDGE_FD, 65536)
        if not b:
            break
        i = b.find(b"\n")
        if i >= 0:
            chunks.append(b[:i])
            break
        chunks.append(b)
    return b"".join(chunks).decode("utf-8")


def _decode_exec(line):
    # The exec message is a flat object of strings. Decode it with the C
    # string scanner of the json package alone: importing json (and re with
    # it) would cost more than the rest of the runner's start-up.
    from _json import scanstring

    msg = {}
    i = line.index("{") + 1
    n = len(line)
    while True:
        while i < n and line[i] in " \t\r\n,":
            i += 1
        if i >= n or line[i] == "}":
            return msg
        if line[i] != '"':
            break
        key, i = scanstring(line, i + 1, True)
        while line[i] in " \t\r\n":
            i += 1
        if line[i] != ":":
            break
        i += 1
        while line[i] in " \t\r\n":
            i += 1
        if line[i] != '"':
            break
        msg[key], i = scanstring(line, i + 1, True)
    import json  # anything else: the general decoder
    return json.loads(line)


def _send(msg):
    import json
    import posix

    data = (json.dumps(msg, ensure_ascii=False) + "\n").encode("utf-8", "surrogatepass")
    try:
        while data:
            n = posix.write(BRIDGE_FD, data)
            data = data[n:]
    except OSError:
        pass


def _report(code, exc):
    import linecache
    import traceback

    linecache.cache["<code>"] = (len(code), None, code.splitlines(True), "<code>")
    tb = exc.__traceback__
    # drop the runner's own frames: the user sees only <code> and below
    while tb is not None and tb.tb_frame.f_code.co_filename != "<code>":
        tb = tb.tb_next
    text = "".join(traceback.format_exception(type(exc), exc, tb))
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except Exception:
        pass
    _send({"op": "exception", "type": type(exc).__name__,
                     "message": str(exc), "traceback": text})


def _exit_code(e):
    c = e.code
    if c is None:
        return 0
    if isinstance(c, int):
        return c & 0xFF
    try:
        sys.stderr.write(str(c) + "\n")
    except Exception:
        pass
    return 1


def main():
    import posix  # built in; os would cost an import of its own

    _paths()
    msg = _decode_exec(_read_line(posix))
    code = msg["code"]
    sys.argv = [msg.get("filename", "<code>")]
    mod = type(sys)("__main__")
    mod.__dict__["__builtins__"] = __builtins__
    sys.modules["__main__"] = mod
    status = 0
    try:
        co = compile(code, "<code>", "exec", PyCF_ALLOW_TOP_LEVEL_AWAIT, True)
        if co.co_flags & CO_COROUTINE:
            import asyncio
            asyncio.run(eval(co, mod.__dict__))
        else:
            exec(co, mod.__dict__)
    except SystemExit as e:
        status = _exit_code(e)
    except BaseException as e:  # noqa: B036 - everything the program raises is reported
        _report(code, e)
        status = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass
    posix._exit(status)


main()
