# actjail - see README.md. `make` builds build/actjail; `make check` runs every test under prove.
PREFIX   ?= /usr/local
BUILD    ?= build
CC       ?= cc
PKGS     := libseccomp libcap libnl-3.0 libnl-route-3.0 yajl
VERSION  := 0.1.0

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))

# The launcher is linked statically (static PIE) by default: no dynamic
# loading at start-up and only the library code it uses is resident, which
# keeps its own peak memory under 2 MiB (README, Speed). Sanitizer builds and
# the unit tests link dynamically. Debian ships yajl's static library as
# libyajl_s.a, which pkg-config does not name.
STATIC     ?= $(if $(filter 1,$(SAN)),0,1)
ifeq ($(STATIC),1)
  LINK_MODE := -static-pie
  JAIL_LIBS := $(filter-out -lyajl,$(shell pkg-config --static --libs $(PKGS))) \
               $(shell pkg-config --variable=libdir yajl)/libyajl_s.a
  NONSS     := jail/nonss.c
else
  LINK_MODE := -pie
  JAIL_LIBS := $(PKG_LIBS)
  NONSS     :=
endif

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wno-missing-field-initializers
HARDEN   := -fstack-protector-strong -fstack-clash-protection -fPIE
FORTIFY  := -D_FORTIFY_SOURCE=3
ifeq ($(SAN),1)
  # Sanitizer builds: no _FORTIFY_SOURCE (it hides accesses from ASan).
  FORTIFY :=
  HARDEN  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(CFLAGS) $(WARN) $(HARDEN) $(FORTIFY) \
             -DACTJAIL_VERSION='"$(VERSION)"' -I. $(PKG_CFLAGS) -MMD -MP
LDFLAGS  ?=
ALL_LDFLAGS = $(LDFLAGS) -Wl,-z,relro,-z,now -Wl,-z,noexecstack \
              $(if $(filter 1,$(SAN)),-fsanitize=address$(comma)undefined)
comma := ,

# Reusable code (never exits): policy, bridge framing, JSON, helpers.
LIB_SRC  := bridge/json.c bridge/jsonget.c bridge/jsontext.c bridge/frame.c bridge/message.c bridge/tools.c policy/policy.c policy/pcheck.c policy/rules.c policy/seccomp.c policy/bpfcache.c \
            jail/sha256.c jail/util.c jail/cgroup.c jail/netaddr.c jail/mountpath.c jail/outcome.c \
            jail/status.c jail/evloop.c jail/verdict.c jail/capture.c serve/base64.c
JAIL_SRC := jail/main.c jail/spawn.c jail/supervise.c jail/userns.c jail/mount.c jail/net.c \
            jail/caps.c jail/limits.c jail/result.c jail/log.c jail/calls.c jail/landlock.c jail/verify.c jail/violation.c \
            jail/usage.c jail/exitseen.c jail/cgdefer.c jail/run.c jail/describe.c jail/audit.c jail/summary.c jail/toolproc.c jail/inbound.c jail/stdinrelay.c jail/program.c jail/relay.c jail/timing.c jail/warm.c jail/supervise_warm.c \
            serve/server.c serve/config.c serve/listen.c serve/conn.c serve/request.c serve/job.c serve/worker.c serve/relay.c serve/pool.c serve/stats.c serve/msg.c serve/jobdir.c \
            $(NONSS)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
JAIL_OBJ := $(JAIL_SRC:%.c=$(BUILD)/%.o) $(BUILD)/jail/embed.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TESTS    := $(wildcard tests/*.t tests/security/*.t)

.PHONY: all check unit sanitize analyze fuzz install uninstall clean format format-check bench

all: $(BUILD)/actjail

$(BUILD)/actjail: $(JAIL_OBJ) $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $(LINK_MODE) -o $@ $^ $(ALL_LDFLAGS) $(JAIL_LIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The runner and the default policy are embedded so the installed binary
# needs no source tree (see jail/embed.S).
$(BUILD)/jail/embed.o: jail/embed.S bridge/runner.py policy/default.json $(BUILD)/runner.pyc
	@mkdir -p $(dir $@)
	$(CC) -c -I. -I$(BUILD) -o $@ $<

# Compiling the runner costs ~3 ms at every start; its bytecode is built
# once here, by the python3 the jail runs (its magic number is checked at
# run time, and the source is used when it differs).
$(BUILD)/runner.pyc: bridge/runner.py
	@mkdir -p $(dir $@)
	/usr/bin/python3 -I -c 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], dfile="<actjail-runner>", doraise=True)' $< $@

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ) tests/tap.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -pie -o $@ $< $(LIB_OBJ) $(ALL_LDFLAGS) $(PKG_LIBS)

unit: $(UNIT_BIN)

# Every test under prove: C unit tests and the shell integration tests. As
# root the jail tests are repeated under an unprivileged uid (tests/run-unprivileged).
check: all unit
	ACTJAIL=$(abspath $(BUILD)/actjail) prove -e '' $(UNIT_BIN) $(TESTS)
	@if [ "$$(id -u)" = 0 ]; then \
		ACTJAIL=$(abspath $(BUILD)/actjail) tests/run-unprivileged $(TESTS); fi

# ASan must not install handlers in the jail's init (a handled signal from
# inside would reach pid 1, which the kernel otherwise protects).
sanitize:
	ACTJAIL_SANITIZED=1 \
	ASAN_OPTIONS=handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:handle_abort=0 \
	$(MAKE) BUILD=build-san SAN=1 CFLAGS='-O1 -g' check

analyze:
	scripts/analyze

fuzz:
	scripts/fuzz $(FUZZ_SECONDS)

bench: all
	scripts/bench-startup

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/actjail/policy \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BUILD)/actjail $(DESTDIR)$(PREFIX)/bin/actjail
	install -m 0644 policy/*.json $(DESTDIR)$(PREFIX)/share/actjail/policy/
	install -m 0644 bridge/runner.py $(DESTDIR)$(PREFIX)/share/actjail/runner.py
	install -m 0644 docs/actjail.1 $(DESTDIR)$(PREFIX)/share/man/man1/actjail.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/actjail $(DESTDIR)$(PREFIX)/share/man/man1/actjail.1
	rm -rf $(DESTDIR)$(PREFIX)/share/actjail

format:
	clang-format -i jail/*.[ch] bridge/*.[ch] policy/*.[ch] serve/*.[ch] tests/unit/*.c tests/*.h

format-check:
	clang-format --dry-run --Werror jail/*.[ch] bridge/*.[ch] policy/*.[ch] serve/*.[ch] tests/unit/*.c tests/*.h

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
