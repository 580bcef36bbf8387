# actjail runner: runs inside the jail as `python3 -I -S -c <this file>`.
# It reads one {"op":"exec"} message from the bridge (fd 3), runs the code in
# a fresh __main__ with top-level await allowed, reports an uncaught
# exception as {"op":"exception"}, and gives the program call_tool(),
# list_tools() and ToolError, which speak {"op":"call"} / {"op":"result"}
# over the same bridge (docs/protocol.md).
import sys

BRIDGE_FD = 3
# The program's source as a file, read-only, written by the jail's init next
# to this runner: __main__.__file__, from which multiprocessing's spawn and
# forkserver workers (a fresh python3 each) re-import the main module.
MAIN_FILE = "/run/actjail/main.py"
# One read of the bridge: a bigger buffer (1 MiB was) is an mmap, mremap
# and munmap per read, three times the cost of the rest of a call.
READ_SIZE = 65536
_MAIN_PID = None       # the program's main process: the only one with a bridge
_limits = {"max_message_bytes": 16 << 20}
CO_COROUTINE = 0x80
PyCF_ALLOW_TOP_LEVEL_AWAIT = 0x2000


class ToolError(Exception):
    """A host tool call failed; str(e) is the host's message."""


class _Bridge:
    # One bridge, shared by every caller. Replies may come in any order:
    # each is routed by id to a waiting synchronous caller or to a future.
    def __init__(self):
        import _thread
        import itertools
        import json
        import posix

        self.lock = _thread.allocate_lock()   # one reader at a time
        self.wlock = _thread.allocate_lock()  # one writer at a time (the loop's sends too)
        self.get_ident = _thread.get_ident
        self.parts = []        # the start of a line not yet ended
        self.ids = itertools.count(1)   # next() is atomic: threads get distinct ids
        self.results = {}      # id -> reply, for synchronous callers
        self.futures = {}      # id -> (future, tool) for awaiting callers
        self.loop = None       # the event loop our reader is registered with
        self.loop_thread = None   # ... and its thread
        self.posix = posix
        self.dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"),
                                      allow_nan=False).encode
        # json.loads without its per-call type checks and encoding detection:
        # the launcher sends UTF-8 (docs/protocol.md)
        self.decode = json.JSONDecoder().decode

    def send(self, msg):
        data = (self.dumps(msg) + "\n").encode("utf-8")
        if len(data) - 1 > _limits["max_message_bytes"]:
            # the launcher would refuse the line without knowing its id
            raise ToolError("the call is %d bytes, more than the bridge's limit of %d"
                            % (len(data) - 1, _limits["max_message_bytes"]))
        write = self.posix.write
        with self.wlock:
            while data:
                n = write(BRIDGE_FD, data)
                data = data[n:]

    def _feed(self, chunk):
        if not chunk:
            raise ToolError("the bridge to the host is closed")
        end = chunk.find(b"\n")
        if end < 0:
            self.parts.append(chunk)   # joined once, when the line ends
            return
        if self.parts:
            self.parts.append(chunk)
            chunk = b"".join(self.parts)
            self.parts = []
            end = chunk.find(b"\n")
        start = 0
        try:
            while end >= 0:
                line = chunk[start:end]
                start = end + 1
                self._line(line)
                end = chunk.find(b"\n", start)
        finally:
            # kept also when a line raised (RecursionError): the lines
            # after it are still read
            if start < len(chunk):
                self.parts.append(chunk[start:])

    def _line(self, line):
        try:
            msg = self.decode(line.decode("utf-8", "surrogatepass"))
        except ValueError:
            return
        if not isinstance(msg, dict):
            return
        if msg.get("op") == "result":
            self._route(msg)
        elif msg.get("op") == "error" and "id" in msg:
            # the launcher could not use our call at all
            self._route({"id": msg["id"], "ok": False, "error": msg.get("error")})

    def _route(self, msg):
        key = msg.get("id")
        try:
            entry = self.futures.pop(key, None)
        except TypeError:
            return
        if entry is None:
            self.results[key] = msg
            return
        if self.get_ident() == self.loop_thread:
            _settle(entry, msg)
            return
        # read by a blocking caller in another thread: a future is set on
        # its loop's thread, and the loop, asleep on a bridge that caller
        # emptied, is woken
        try:
            entry[0].get_loop().call_soon_threadsafe(_settle, entry, msg)
        except RuntimeError:
            pass    # that loop is closed: nobody awaits the future any more

    def call(self, op, tool, args, caller=None):
        if self.posix.getpid() != _MAIN_PID:
            # a forked child shares the bridge socket with its parent: its
            # calls and replies would interleave with the parent's
            raise ToolError("tool calls are only available in the program's main process, "
                            "not in a child process; call the tools there and pass the results")
        key = next(self.ids)
        msg = {"op": op, "id": key}
        if tool is not None:
            msg["tool"] = tool
            msg["args"] = args
        loop = _running_loop()
        if loop is not None and caller is not None and _awaited(caller):
            return self._call_async(loop, key, msg, tool)
        with self.lock:
            self.send(msg)
            while key not in self.results:
                self._feed(self.posix.read(BRIDGE_FD, READ_SIZE))
            reply = self.results.pop(key)
        if reply.get("ok"):
            return reply.get("value")
        raise ToolError(str(reply.get("error", "tool %s failed" % tool)))

    def _call_async(self, loop, key, msg, tool):
        # registered before it is sent: a blocking caller in another thread
        # may read the reply at once; a refused call raises and is removed
        fut = loop.create_future()
        self.futures[key] = (fut, tool)
        try:
            self.send(msg)
        except BaseException:
            del self.futures[key]
            raise
        if self.loop is not loop:
            import select

            self.loop_thread = self.get_ident()
            self.ready = select.poll()
            self.ready.register(BRIDGE_FD, select.POLLIN)
            loop.add_reader(BRIDGE_FD, self._readable)
            self.loop = loop
        return fut

    def _readable(self):
        if not self.lock.acquire(False):
            # a blocking caller in another thread is reading: it routes
            # the replies for our futures too, and two readers would split
            # lines between them
            return
        try:
            # what woke the loop may have been read by such a caller since:
            # a read now could block the loop, holding the lock that caller
            # needs for its next call (every reader holds the lock, so what
            # the poll sees stays there for the read)
            if self.ready.poll(0):
                self._feed(self.posix.read(BRIDGE_FD, READ_SIZE))
        except ToolError as e:
            self.loop.remove_reader(BRIDGE_FD)
            for fut, _ in self.futures.values():
                if not fut.done():
                    fut.set_exception(ToolError(str(e)))
            self.futures.clear()
        finally:
            self.lock.release()


def _settle(entry, msg):
    fut, tool = entry
    if fut.done():
        return
    if msg.get("ok"):
        fut.set_result(msg.get("value"))
    else:
        fut.set_exception(ToolError(str(msg.get("error", "tool %s failed" % tool))))


_GET_AWAITABLE = None
_COMPREHENSIONS = ("<listcomp>", "<genexpr>", "<setcomp>", "<dictcomp>")
# (id(code), f_lasti) -> (code, answer): the answer depends on the code and
# the call's place in it alone, and finding it scans the whole code object.
# The code is kept so that its id is not reused while cached; the cache is
# bounded for programs that compile code as they go.
_AWAITED = {}
_AWAITED_MAX = 4096


def _awaited(frame):
    # Is this call_tool(...) inside an `await` expression (directly, or as
    # an argument of asyncio.gather and the like, or in a comprehension
    # passed to one)? Then it returns an awaitable and the call is in flight
    # at once; anywhere else it blocks and returns the value, even in async
    # code. The await's source span must contain the call's.
    while frame is not None and frame.f_code.co_name in _COMPREHENSIONS:
        frame = frame.f_back
    if frame is None or not frame.f_code.co_flags & 0x380:  # coroutine flags
        return False
    code = frame.f_code
    lasti = frame.f_lasti
    hit = _AWAITED.get((id(code), lasti))
    if hit is None or hit[0] is not code:
        if len(_AWAITED) >= _AWAITED_MAX:
            _AWAITED.clear()
        hit = _AWAITED[(id(code), lasti)] = (code, _in_await(code, lasti))
    return hit[1]


def _in_await(code, lasti):
    global _GET_AWAITABLE
    if _GET_AWAITABLE is None:
        import opcode
        _GET_AWAITABLE = opcode.opmap["GET_AWAITABLE"]
    pos = list(code.co_positions())
    here = pos[lasti // 2]
    if None in here:
        return False
    raw = code.co_code
    for i in range(0, len(raw), 2):
        if raw[i] == _GET_AWAITABLE:
            p = pos[i // 2]
            if None not in p and (p[0], p[2]) <= (here[0], here[2]) and (here[1], here[3]) <= (p[1], p[3]):
                return True
    return False


def _running_loop():
    aio = sys.modules.get("asyncio")
    return aio._get_running_loop() if aio is not None else None


_bridge = None


def _get_bridge():
    global _bridge
    if _bridge is None:
        _bridge = _Bridge()
    return _bridge


def call_tool(name, /, **kwargs):
    """Call the host tool `name` with keyword arguments; return its JSON value.
    Written inside an await expression (`await call_tool(...)`,
    `await asyncio.gather(call_tool(...), ...)`) it returns an awaitable
    instead, so several calls are in flight at once."""
    if not isinstance(name, str):
        raise TypeError("call_tool() tool name must be a str")
    return _get_bridge().call("call", name, kwargs, sys._getframe(1))


def list_tools():
    """The host tools: a list of {"name", "description", "parameters"}."""
    return _get_bridge().call("list_tools", None, None)


class _Quitter:
    # exit() and quit() come from the site module, which -S skips.
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "Use %s() to exit" % self.name

    def __call__(self, code=None):
        raise SystemExit(code)


def _install_builtins():
    import builtins

    builtins.exit = _Quitter("exit")
    builtins.quit = _Quitter("quit")
    mod = type(sys)("actjail")
    for obj in (call_tool, list_tools, ToolError):
        setattr(builtins, obj.__name__, obj)
        setattr(mod, obj.__name__, obj)
    ToolError.__module__ = "actjail"
    sys.modules["actjail"] = mod


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


def _hint(exc):
    # A short note for the model when the jail, not the program, said no;
    # the refusal may sit behind a wrapper (urllib's URLError, a chain).
    seen = []
    while exc is not None and len(seen) < 8 and exc not in seen:
        seen.append(exc)
        h = _hint1(exc)
        if h:
            return h
        reason = getattr(exc, "reason", None)
        exc = reason if isinstance(reason, BaseException) else (exc.__cause__ or exc.__context__)
    return None


def _unreadable(path):
    # Whether an EACCES came from reading: the path is there but not
    # readable, or a directory on the way is not searchable. A write to a
    # readable file, or a create (the path is missing), is not a read.
    import posix
    if not isinstance(path, (str, bytes)):
        return False
    try:
        posix.stat(path)
    except PermissionError:
        return True
    except OSError:
        return False
    return not posix.access(path, posix.R_OK)


def _hint1(exc):
    import errno as E
    name = type(exc).__name__
    if name == "NameError" and str(exc) in ("name '%s' is not defined" % n for n in (
            "call_tool", "list_tools", "ToolError")):
        # from a multiprocessing spawn or forkserver worker, a plain python3
        # (re-raised here from a pickle, which keeps the message, not .name)
        return "host tools (call_tool) are only available in the program's main process"
    if name == "gaierror" or (isinstance(exc, OSError) and exc.errno in (
            E.ENETUNREACH, E.EHOSTUNREACH, E.ECONNREFUSED, E.EADDRNOTAVAIL)):
        return "network access is disabled in this sandbox; use the host tools (call_tool)"
    if isinstance(exc, OSError) and exc.errno == E.EACCES and \
            _unreadable(getattr(exc, "filename", None)):
        return ("the sandbox's user may not read this path (its permissions on the host); "
                "nothing inside the sandbox can change that")
    if isinstance(exc, OSError) and exc.errno in (E.EROFS, E.EACCES) and \
            not str(getattr(exc, "filename", "") or "").startswith(("/tmp", "/output", "/dev/shm")):
        return "writes are only allowed under /output and /tmp; /input is read-only"
    if isinstance(exc, OSError) and exc.errno in (E.ENOSPC, E.EFBIG):
        return "/tmp, /output and each file are size-limited in this sandbox"
    if isinstance(exc, OSError) and exc.errno == E.EPERM:
        return "this operation is not permitted in the sandbox"
    if isinstance(exc, MemoryError) or (isinstance(exc, OSError) and exc.errno == E.ENOMEM):
        return "the sandbox's memory limit was reached"
    return None


def _report(code, exc):
    import linecache
    import traceback

    linecache.cache["<code>"] = (len(code), None, code.splitlines(True), "<code>")
    tb = exc.__traceback__
    # drop the runner's own frames: the user sees only <code> and below
    while tb is not None and tb.tb_frame.f_code.co_filename != "<code>":
        tb = tb.tb_next
    text = "".join(traceback.format_exception(type(exc), exc, tb))
    hint = _hint(exc)
    if hint:
        text += "hint: " + hint + "\n"
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except Exception:
        pass
    msg = {"op": "exception", "type": type(exc).__name__, "message": str(exc),
           "traceback": text}
    if hint:
        msg["hint"] = hint
    if isinstance(exc, OSError) and isinstance(exc.errno, int):
        msg["errno"] = exc.errno   # ENOMEM from mmap is running out of memory too
    _send(msg)


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


def _forked():
    # A forked child must not read the parent's replies off the bridge, nor
    # report its own exception as the program's: its fd 3 becomes /dev/null
    # (not closed: the number could be reused for one of its own files).
    import posix
    try:
        fd = posix.open("/dev/null", posix.O_RDWR | posix.O_CLOEXEC)
        posix.dup2(fd, BRIDGE_FD, False)
        posix.close(fd)
    except OSError:
        pass


def _prepare(line):
    # {"op":"prepare","preload":["numpy","pandas"]}: the launcher writes it,
    # and module names are identifiers and dots (the policy's check), so a
    # split does; json (and re with it) would only add to what the exit
    # has to tear down.
    i, j = line.find("["), line.rfind("]")
    names = [n.strip().strip('"') for n in line[i + 1:j].split(",")] if 0 <= i < j else []
    failed = {}
    for name in names:
        if not name:
            continue
        try:
            __import__(name)
        except Exception as e:  # noqa: BLE001 - reported, the program may not need it
            failed[name] = "%s: %s" % (type(e).__name__, e)
    # the first compile() of a process builds the ast module's types
    # (~1.5 ms), and _decode_exec loads _json (a shared object: a dozen
    # syscalls through the filter): here, not after the code came
    compile("pass", "<code>", "exec", PyCF_ALLOW_TOP_LEVEL_AWAIT, True)
    import _json  # noqa: F401
    if failed:
        _send({"op": "ready", "failed": failed})
    else:
        import posix
        posix.write(BRIDGE_FD, b'{"op":"ready"}\n')


def _track_open(refs):
    # Files the program opens for writing, so that the exit can flush what
    # it left unclosed (see _exit). io.open and builtins.open are the one
    # function; os.fdopen, pathlib and tempfile go through io.open too.
    import builtins
    import io
    import _weakref

    real = io.open

    def open(file, mode="r", *args, **kwargs):
        f = real(file, mode, *args, **kwargs)
        if mode != "r" and mode != "rb" and mode != "rt":
            refs.append(_weakref.ref(f))
            if len(refs) > 4096:
                refs[:] = [r for r in refs if r() is not None]
        return f

    open.__doc__ = real.__doc__
    open.__module__ = "io"
    io.open = builtins.open = open


_OPEN_FILES = []


def _exit(status):
    # The end of the program as the interpreter's own exit would have it, in
    # its order: wait for non-daemon threads (and threading's own exit
    # hooks), run the atexit handlers (multiprocessing's, logging's,
    # weakref.finalize's), flush every file the program opened for writing
    # and left open, and the standard streams. Then _exit: tearing the
    # interpreter down object by object (seconds' worth with pandas loaded,
    # 1-5 ms without) changes nothing anyone can see, but for __del__ of
    # objects still alive, which Python does not promise to call at exit
    # either (the reference manual, object.__del__).
    import posix

    # what the main thread printed is out before anything can wait
    for f in (sys.stdout, sys.stderr):
        try:
            f.flush()
        except BaseException:  # noqa: B036
            pass
    threading = sys.modules.get("threading")
    if threading is not None:
        try:
            threading._shutdown()
        except BaseException:  # noqa: B036 - as the interpreter would, go on
            pass
    atexit = sys.modules.get("atexit")
    if atexit is not None:
        try:
            atexit._run_exitfuncs()
        except BaseException:  # noqa: B036
            pass
    for r in _OPEN_FILES:
        f = r()
        if f is not None:
            try:
                if not f.closed:
                    f.flush()
            except BaseException:  # noqa: B036
                pass
    for f in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if f is not None:
                f.flush()
        except BaseException:  # noqa: B036
            if status == 0:
                status = 120  # what Python exits with when stdout cannot be flushed
    # Last words, after everything above is out: the launcher may then end
    # the run while the kernel is still tearing this process down (a hint
    # it checks in /proc, jail/exitseen.h). A forked child's bridge is
    # /dev/null (_forked), so only the program's own process says it.
    try:
        posix.write(BRIDGE_FD, b'{"op":"exit","status":%d}\n' % (status & 0xff))
    except OSError:
        pass
    posix._exit(status)


def main():
    global _MAIN_PID
    import posix  # built in; os would cost an import of its own

    _paths()
    _install_builtins()
    _track_open(_OPEN_FILES)
    _MAIN_PID = posix.getpid()
    posix.register_at_fork(after_in_child=_forked)
    line = _read_line(posix)
    if line.startswith('{"op":"prepare"'):
        # a warm jail (actjail serve --pool): import what the policy names,
        # say ready, and only then wait for the code
        _prepare(line)
        line = _read_line(posix)
    msg = _decode_exec(line)
    try:
        _limits["max_message_bytes"] = int(msg.get("max_message_bytes", 16 << 20))
    except ValueError:
        pass
    code = msg["code"]
    try:
        posix.stat(MAIN_FILE)
        path = MAIN_FILE
    except OSError:     # a launcher that wrote none: no __file__, as for -c
        path = None
    # tracebacks keep naming the program's lines File "<code>" (it is compiled
    # under that name); __file__ and argv[0] name the file, as for a script
    sys.argv = [path or msg.get("filename", "<code>")]
    mod = type(sys)("__main__")
    mod.__dict__["__builtins__"] = __builtins__
    if path:
        mod.__file__ = path
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
    _exit(status)


main()
