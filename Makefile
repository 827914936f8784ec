# SPDX-License-Identifier: GPL-2.0-only
#
# coopvmm top-level Makefile: builds coopvmmd and coopctl, runs the tests,
# installs.  Plain GNU make in the Xen-tools manner; flags from pkg-config.

PREFIX      ?= /usr/local
SBINDIR     ?= $(PREFIX)/sbin
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
SYSCONFDIR  ?= /etc
INITDIR     ?= $(SYSCONFDIR)/init.d
DEFAULTDIR  ?= $(SYSCONFDIR)/default
# systemd reads /usr/local/lib/systemd/system too.  Set INITDIR,
# DEFAULTDIR or SYSTEMDUNITDIR empty to leave that file out (the Debian
# package lets debhelper install those three).
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
DESTDIR     ?=

# pkg-config runs when a recipe first needs the flags, never when make
# reads this file: `make deps all` on a fresh machine installs the
# libraries first.  Each variable runs it once.  A missing module stops
# the build with the Debian package to install, never with empty flags.
PKG_CONFIG  ?= pkg-config
DAEMON_PKGS := xencontrol xenstore libconfuse jansson zlib
# coopctl: jansson, and ncurses for its top.
COOPCTL_PKGS := jansson ncursesw
PKG_DEB_xencontrol := libxen-dev
PKG_DEB_xenstore   := libxen-dev
PKG_DEB_libconfuse := libconfuse-dev
PKG_DEB_jansson    := libjansson-dev
PKG_DEB_zlib       := zlib1g-dev
PKG_DEB_cmocka     := libcmocka-dev
PKG_DEB_ncursesw   := libncurses-dev
pkg_fix  = apt-get install $(or $(PKG_DEB_$(1)),the package with $(1).pc), or run \
           make $(if $(filter cmocka,$(1)),test-deps,deps)
pkg_need = $(if $(shell command -v $(PKG_CONFIG)),,$(error $(PKG_CONFIG) \
             not found: apt-get install pkg-config, or run make deps))$(foreach \
             m,$(1),$(if $(shell $(PKG_CONFIG) --exists $(m) && echo y),,$(error \
             pkg-config module $(m) not found: $(call pkg_fix,$(m)))))
pkg_run  = $(call pkg_need,$(2))$(shell $(PKG_CONFIG) $(1) $(2))
# $(call pkg_lazy,VAR,--cflags|--libs,MODULES) defines VAR.
pkg_lazy = $(eval $(1) = $$(eval $(1) := $$$$(call pkg_run,$(2),$(3)))$$($(1)))
$(call pkg_lazy,PKG_CFLAGS,--cflags,$(DAEMON_PKGS))
$(call pkg_lazy,PKG_LIBS,--libs,$(DAEMON_PKGS))
$(call pkg_lazy,COOPCTL_CFLAGS,--cflags,$(COOPCTL_PKGS))
$(call pkg_lazy,COOPCTL_LIBS,--libs,$(COOPCTL_PKGS))
$(call pkg_lazy,ZLIB_LIBS,--libs,zlib)
$(call pkg_lazy,CMOCKA_LIBS,--libs,cmocka)

WARN        := -Wall -Wextra -Wshadow -Wstrict-prototypes \
               -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Werror
CFLAGS      ?= -O2 -g
ALL_CFLAGS   = -std=gnu11 $(CFLAGS) $(WARN) -D_GNU_SOURCE \
               -Ipolicy $(addprefix -I,$(DAEMON_DIRS)) -Idaemon/coopctl \
               -Ihv-patch/include \
               $(PKG_CFLAGS) -MMD -MP
SAN_FLAGS   := -O1 -g -fsanitize=address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer

# The version lives in one place, the first line of debian/changelog:
# the Debian package needs it there (dpkg-buildpackage reads nothing
# else), so the binaries take it from there too.  A release is a new
# changelog entry (dch -v VERSION), nothing more.
VERSION     := $(shell awk 'NR == 1 && $$1 == "coopvmm" { \
                   gsub(/[()]/, "", $$2); print $$2 }' debian/changelog)
ifeq ($(VERSION),)
$(error no version: debian/changelog's first line should read "coopvmm (VERSION) ...")
endif

B           := build
POLICY_SRC  := $(wildcard policy/*.c)
# coopvmmd: daemon/coopvmmd.c (options, start-up, the loop) and its parts.
DAEMON_DIRS := daemon/core daemon/backend daemon/backend/xen \
               daemon/control daemon/conf daemon/lib daemon/report
DAEMON_SRC  := $(wildcard $(addsuffix /*.c,$(DAEMON_DIRS)))
COOPVMMD_SRC := daemon/coopvmmd.c $(DAEMON_SRC) $(POLICY_SRC)
COOPCTL_SRC := $(wildcard daemon/coopctl/*.c)
UNIT_TESTS  := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c)) \
               test_conf

obj = $(patsubst %.c,$(B)/$(1)/%.o,$(2))

.PHONY: all deps test-deps install uninstall clean check check-unit check-san \
        check-conf check-daemon check-killloop check-init check-docs \
        check-ctl check-hv check-layout check-report check-fuzz \
        check-hostile check-xen check-xen420 bench bench-replay bench-xen \
        bench-report report-shot fuzz-long \
        demo-recording

all: $(B)/coopvmmd $(B)/coopctl

$(B)/plain/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -DCOOPVMM_VERSION='"$(VERSION)"' -c $< -o $@

$(B)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(SAN_FLAGS) -DCOOPVMM_VERSION='"$(VERSION)"' -c $< -o $@

$(B)/coopvmmd: $(call obj,plain,$(COOPVMMD_SRC))
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# coopctl is a socket client: it is built against jansson and ncurses
# alone (its top is an ncurses screen).
$(call obj,plain,$(COOPCTL_SRC)): PKG_CFLAGS = $(COOPCTL_CFLAGS)
$(B)/coopctl: $(call obj,plain,$(COOPCTL_SRC))
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(COOPCTL_LIBS)

$(B)/san/coopvmmd: $(call obj,san,$(COOPVMMD_SRC))
	$(CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# Unit tests link the code under test directly, plain and sanitized:
# TEST_MAIN_NAME (default tests/unit/test_NAME.c) with policy/ and the
# sources in TEST_SRC_NAME.
TEST_SRC_policy :=
TEST_SRC_xen    := $(wildcard daemon/backend/xen/*.c) daemon/lib/log.c
TEST_SRC_xen_text := $(TEST_SRC_xen)
TEST_SRC_xen_dm := $(TEST_SRC_xen)
TEST_SRC_uuid   := daemon/lib/uuid.c
TEST_SRC_xenupdate := daemon/backend/xen/xen_update.c daemon/lib/log.c
TEST_SRC_log    := daemon/lib/log.c
TEST_SRC_record := daemon/backend/record.c daemon/backend/replay.c \
                   daemon/backend/replay_host.c \
                   daemon/lib/log.c daemon/lib/uuid.c daemon/lib/file.c
TEST_MAIN_conf  := tests/conf/test_conf.c
CONF_SRC        := $(filter-out %/conf_dump.c,$(wildcard daemon/conf/*.c))
TEST_SRC_conf   := $(CONF_SRC) daemon/conf/conf_dump.c daemon/lib/uuid.c
# The control socket's tests compile the socket, the commands and the
# metrics into the test (see test_control.c) and link the real daemon
# core; the calls that change the daemon's state go to the stand-ins of
# tests/ctl/fixture.h through the linker's --wrap (TEST_LDFLAGS_NAME).
TEST_SRC_control := daemon/core/daemon.c daemon/core/actuator.c \
                    daemon/core/state_table.c daemon/core/state_file.c \
                    daemon/core/state.c daemon/core/effects.c \
                    daemon/control/control_status.c daemon/backend/record.c \
                    daemon/core/metrics_file.c daemon/lib/file.c \
                    daemon/lib/uuid.c $(CONF_SRC)
TEST_LDFLAGS_control := $(foreach f,reload pause resume pin, \
                          -Wl,--wrap=daemon_$(f))
TEST_SRC_crowd     = $(TEST_SRC_control)
TEST_LDFLAGS_crowd = $(TEST_LDFLAGS_control)
TEST_SRC_shipped = $(TEST_SRC_conf)
# The state and actuator tests capture the log (tests/unit/logcap.h) and
# make the state file's system calls fail on demand (tests/unit/faults.h).
STATE_SRC       := daemon/core/state.c daemon/core/state_table.c \
                   daemon/core/state_file.c daemon/lib/log.c daemon/lib/uuid.c
LOGCAP_WRAP     := $(foreach f,warn warnx err notice info debug, \
                     -Wl,--wrap=log_$(f))
FAULTS_WRAP     := $(foreach f,openat read write fsync renameat,-Wl,--wrap=$(f))
TEST_SRC_state       := $(STATE_SRC)
TEST_LDFLAGS_state   := $(LOGCAP_WRAP) $(FAULTS_WRAP)
TEST_SRC_state_file  := $(STATE_SRC)
TEST_LDFLAGS_state_file := $(LOGCAP_WRAP) $(FAULTS_WRAP)
TEST_SRC_actuator    := daemon/core/actuator.c $(STATE_SRC)
TEST_LDFLAGS_actuator := $(LOGCAP_WRAP) $(FAULTS_WRAP) -Wl,--wrap=record_set
# coopctl's name fitting.
TEST_SRC_names  := daemon/coopctl/ctl_names.c
# The replay report's timeline buckets and files.
TEST_SRC_report := daemon/report/report_collect.c \
                   daemon/report/report_csv.c daemon/core/effects.c \
                   daemon/core/metrics.c daemon/lib/log.c \
                   daemon/lib/uuid.c daemon/lib/version.c
# What status and the metrics say of the policy: as test_control, and
# coopctl's text of it.
TEST_SRC_status = $(TEST_SRC_control) daemon/coopctl/ctl_status.c \
                  daemon/coopctl/ctl_names.c
TEST_LDFLAGS_status = $(TEST_LDFLAGS_control)
test_main = $(or $(TEST_MAIN_$(1)),tests/unit/test_$(1).c)
.SECONDEXPANSION:
$(B)/plain/test_%: $$(call obj,plain,$$(call test_main,$$*) $(POLICY_SRC) \
                                     $$(TEST_SRC_$$*))
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TEST_LDFLAGS_$*) $(PKG_LIBS) \
	    $(CMOCKA_LIBS) -lm

$(B)/san/test_%: $$(call obj,san,$$(call test_main,$$*) $(POLICY_SRC) \
                                   $$(TEST_SRC_$$*))
	$(CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(TEST_LDFLAGS_$*) $(PKG_LIBS) \
	    $(CMOCKA_LIBS) -lm

# The synthetic recording generator drives the real recording writer.
$(B)/genrec: $(call obj,plain,tests/tools/genrec.c daemon/backend/record.c \
                               daemon/lib/log.c daemon/lib/uuid.c \
                               daemon/lib/file.c \
                               $(POLICY_SRC))
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(ZLIB_LIBS) -lm

# ---------------------------------------------------------------- deps
# make deps: what building and running coopvmm needs, and nothing more:
# it is what a dom0 gets.  make test-deps (make check runs it first):
# what the test suites in CHECK_SUITES need on top; none of it is a
# service.  Each installs only the packages still missing (with nothing
# missing it needs neither root nor the network), after apt-get update.
DEB_BUILD   := gcc libc6-dev make pkg-config libxen-dev libconfuse-dev \
               libjansson-dev zlib1g-dev libncurses-dev
# hv-patch/build (from XEN_SRC; Debian's configs through apt-get download)
DEB_XEN     := bison flex python3 dpkg-dev patch xz-utils
# Libraries the system test's qemu-xen device model (hvm-dm scenario)
# takes from the host into dom0.
DEB_HVM     := libssl3 libopus0 libgstreamer1.0-0 \
               libgstreamer-plugins-base1.0-0 liborc-0.4-0 liblz4-1 \
               libsasl2-2 libstdc++6 libudev1 libunwind8 libdw1 libelf1 \
               libffi8 libbz2-1.0 libpcre2-8-0
# What each suite of tests/run-all needs beyond make deps.  OpenMetrics
# output is checked with the Prometheus project's own Python parser:
# Debian's promtool comes only with the Prometheus server, which starts
# on installation.
TEST_DEB_unit   := libcmocka-dev
TEST_DEB_san    := libcmocka-dev
TEST_DEB_clang  := clang libcmocka-dev
TEST_DEB_conf   := diffutils
TEST_DEB_fuzz   := clang
TEST_DEB_hv     := $(DEB_XEN)
TEST_DEB_daemon := valgrind procps
TEST_DEB_ctl    := valgrind python3 python3-prometheus-client util-linux \
                   bsdutils procps tmux
# The replay report's page is opened in Debian's Chromium.
TEST_DEB_report := chromium python3 bsdutils
TEST_DEB_hostile := python3 util-linux
TEST_DEB_init   := shellcheck procps insserv systemd man-db
TEST_DEB_docs   := mandoc
TEST_DEB_layout := python3
TEST_DEB_xen    := $(DEB_XEN) $(DEB_HVM) qemu-system-x86 cpio file kmod \
                   time strace binutils procps
TEST_DEB_xen420 := $(TEST_DEB_xen) debootstrap debian-archive-keyring git
TEST_DEB_fresh  := debootstrap git
TEST_DEB    = $(sort $(foreach s,$(CHECK_SUITES),$(TEST_DEB_$(s))))

# $(call apt_install,PACKAGES)
apt_install = missing=$$(for p in $(1); do \
        dpkg-query -W -f '$${db:Status-Abbrev}' $$p 2>/dev/null | \
            grep -q '^ii' || echo $$p; done); \
    if [ -n "$$missing" ]; then \
        echo "installing:" $$missing && apt-get update && \
        DEBIAN_FRONTEND=noninteractive apt-get install -y \
            --no-install-recommends $$missing; \
    fi

deps:
	@$(call apt_install,$(DEB_BUILD))

test-deps:
	@$(call apt_install,$(TEST_DEB))

# A goal list with deps or test-deps runs in order: nothing is built
# before the packages are in.
ifneq ($(filter deps test-deps,$(MAKECMDGOALS)),)
.NOTPARALLEL:
endif

# ---------------------------------------------------------------- tests
check: test-deps all
	tests/run-all $(CHECK_SUITES)

CHECK_SUITES ?= unit san clang conf fuzz hv daemon ctl hostile report init \
                docs layout xen xen420 fresh

check-unit: $(addprefix $(B)/plain/,$(UNIT_TESTS))
	tests/run-all unit

check-san: $(addprefix $(B)/san/,$(UNIT_TESTS))
	tests/run-all san

check-conf: $(B)/coopvmmd
	tests/run-all conf

check-daemon: all $(B)/genrec
	tests/run-all daemon

# kill -9 at 200 random moments on a host that keeps the values (about
# 6 minutes; check-daemon runs 10).
check-killloop: all
	tests/daemon/killloop 200

check-init: all $(B)/genrec
	tests/run-all init

# The faults found by hostile clients, files and configurations.
check-hostile: all $(B)/genrec
	tests/run-all hostile

# The fuzzing campaign outside CI: FUZZ_LONG_RUNS executions of each
# target, one at a time, each under the heavy lock; what they find is
# merged into tests/fuzz/corpus (figures: tests/fuzz/README.md).
FUZZ_LONG_RUNS ?= 10000000
fuzz-long:
	FUZZ_RUNS=$(FUZZ_LONG_RUNS) FUZZ_KEEP=1 \
	    FUZZ_LOCK=/tmp/coopvmm-heavy.lock tests/fuzz/run

check-ctl: all $(B)/genrec
	tests/run-all ctl

check-hv:
	tests/run-all hv

# The replay report, its page opened in headless Chromium.
check-report: all $(B)/genrec
	tests/run-all report

# The README's picture: the demo recording's report, as Chromium shows it.
report-shot: all $(B)/genrec
	SHOT=doc/report-demo.png tests/report/run

# The system test: Xen booted under QEMU (see tests/system/README.md).
check-xen: all
	tests/run-all xen

# The same on Debian 13: Xen 4.20, a trixie dom0 (tests/system/README.md).
check-xen420:
	tests/run-all xen420

check-docs:
	tests/run-all docs

# No include circle among the modules (tests/tools/include-cycles).
check-layout:
	tests/run-all layout

# The shipped demo recording: recorded on real Xen under QEMU by the
# system test's daemon-record scenario.
demo-recording: all
	tests/system/make-demo-recording conf/recordings/demo.rec

# Targets the suite runner builds on demand.
unit-bins: $(addprefix $(B)/plain/,$(UNIT_TESTS))
san-bins: $(addprefix $(B)/san/,$(UNIT_TESTS)) $(B)/san/coopvmmd

# ---------------------------------------------------------------- bench
# make bench: every figure of bench/RESULTS.md.  bench-replay (parts 1
# and 4, about a minute), bench-report (part 6, about 3 minutes) and
# bench-xen (parts 2, 3 and 5: real Xen under QEMU, about 1.5 hours) run
# alone too.
bench: bench-replay bench-report bench-xen

bench-replay: all $(B)/genrec
	bench/run

bench-xen: all
	bench/xen/run

# Part 6: the replay report of a day of 100 domains (takes the heavy lock).
bench-report: all $(B)/genrec
	bench/report

# ---------------------------------------------------------------- install
# A fresh install observes: the configuration goes in with dry-run =
# true, so coopvmmd decides and reports (coopctl status, the log) but
# changes nothing until the administrator sets dry-run = false and
# reloads.  An existing configuration or defaults file is never
# overwritten.
OBSERVE_SED := -e 's/^dry-run = false$$/dry-run = true/'
install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR)
	install -m 0755 $(B)/coopvmmd $(DESTDIR)$(SBINDIR)/coopvmmd
	install -m 0755 $(B)/coopctl $(DESTDIR)$(BINDIR)/coopctl
	install -d $(DESTDIR)$(SYSCONFDIR)
	grep -q '^dry-run = false$$' conf/coopvmm.conf
	if [ -e $(DESTDIR)$(SYSCONFDIR)/coopvmm.conf ]; then \
	    conf=coopvmm.conf.example; else conf=coopvmm.conf; fi; \
	sed $(OBSERVE_SED) conf/coopvmm.conf > $(DESTDIR)$(SYSCONFDIR)/$$conf && \
	chmod 0644 $(DESTDIR)$(SYSCONFDIR)/$$conf
	if [ -n "$(INITDIR)" ]; then \
	    install -d $(DESTDIR)$(INITDIR) && \
	    sed -e 's|^DAEMON=.*|DAEMON=$(SBINDIR)/coopvmmd|' \
	        -e 's|^CONFIG=.*|CONFIG=$(SYSCONFDIR)/coopvmm.conf|' \
	        -e 's|^DEFAULTS_FILE=.*|DEFAULTS_FILE=$(DEFAULTDIR)/coopvmmd|' \
	        conf/init.d/coopvmmd > $(DESTDIR)$(INITDIR)/coopvmmd && \
	    chmod 0755 $(DESTDIR)$(INITDIR)/coopvmmd; fi
	if [ -z "$(DEFAULTDIR)" ]; then :; \
	elif [ -e $(DESTDIR)$(DEFAULTDIR)/coopvmmd ]; then \
	    install -m 0644 conf/default/coopvmmd \
	        $(DESTDIR)$(DEFAULTDIR)/coopvmmd.example; \
	else \
	    install -D -m 0644 conf/default/coopvmmd $(DESTDIR)$(DEFAULTDIR)/coopvmmd; \
	fi
	if [ -n "$(SYSTEMDUNITDIR)" ]; then \
	    install -d $(DESTDIR)$(SYSTEMDUNITDIR) && \
	    sed -e 's|/usr/sbin/coopvmmd|$(SBINDIR)/coopvmmd|g' \
	        -e 's|/etc/coopvmm.conf|$(SYSCONFDIR)/coopvmm.conf|g' \
	        -e 's|/etc/default/coopvmmd|$(DEFAULTDIR)/coopvmmd|g' \
	        conf/systemd/coopvmmd.service \
	        > $(DESTDIR)$(SYSTEMDUNITDIR)/coopvmmd.service && \
	    chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/coopvmmd.service; fi
	install -d $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	for p in man/*.5; do [ -e "$$p" ] && install -m 0644 "$$p" $(DESTDIR)$(MANDIR)/man5/ || true; done
	for p in man/*.8; do [ -e "$$p" ] && install -m 0644 "$$p" $(DESTDIR)$(MANDIR)/man8/ || true; done

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/coopvmmd $(DESTDIR)$(BINDIR)/coopctl
	rm -f $(DESTDIR)$(SYSCONFDIR)/coopvmm.conf.example
	sed $(OBSERVE_SED) conf/coopvmm.conf | \
	    cmp -s - $(DESTDIR)$(SYSCONFDIR)/coopvmm.conf && \
	    rm -f $(DESTDIR)$(SYSCONFDIR)/coopvmm.conf || true
	[ -z "$(INITDIR)" ] || rm -f $(DESTDIR)$(INITDIR)/coopvmmd
	[ -z "$(SYSTEMDUNITDIR)" ] || rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/coopvmmd.service
	[ -z "$(DEFAULTDIR)" ] || { rm -f $(DESTDIR)$(DEFAULTDIR)/coopvmmd.example; \
	    cmp -s conf/default/coopvmmd $(DESTDIR)$(DEFAULTDIR)/coopvmmd && \
	    rm -f $(DESTDIR)$(DEFAULTDIR)/coopvmmd || true; }
	for p in man/*.5; do rm -f $(DESTDIR)$(MANDIR)/man5/$${p#man/}; done
	for p in man/*.8; do rm -f $(DESTDIR)$(MANDIR)/man8/$${p#man/}; done

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
