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
DESTDIR     ?=

PKG_CONFIG  ?= pkg-config
PKGS        := xencontrol xenstore libconfuse jansson zlib
PKG_CFLAGS  := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS    := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

WARN        := -Wall -Wextra -Wshadow -Wstrict-prototypes \
               -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Werror
CFLAGS      ?= -O2 -g
ALL_CFLAGS   = -std=gnu11 $(CFLAGS) $(WARN) -D_GNU_SOURCE \
               -Ipolicy $(addprefix -I,$(DAEMON_DIRS)) -Ihv-patch/include \
               $(PKG_CFLAGS) -MMD -MP
SAN_FLAGS   := -O1 -g -fsanitize=address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer

VERSION     := $(shell cat VERSION 2>/dev/null || echo 0.1.0)

B           := build
POLICY_SRC  := $(wildcard policy/*.c)
# coopvmmd: daemon/coopvmmd.c (options, start-up, the loop) and its parts.
DAEMON_DIRS := daemon/core daemon/backend daemon/backend/xen \
               daemon/control daemon/conf daemon/lib
DAEMON_SRC  := $(wildcard $(addsuffix /*.c,$(DAEMON_DIRS)))
COOPVMMD_SRC := daemon/coopvmmd.c $(DAEMON_SRC) $(POLICY_SRC)
COOPCTL_SRC := daemon/coopctl/coopctl.c
UNIT_TESTS  := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c)) \
               test_conf

obj = $(patsubst %.c,$(B)/$(1)/%.o,$(2))

.PHONY: all deps install uninstall clean check check-unit check-san \
        check-conf check-daemon check-init check-docs check-ctl check-hv \
        check-layout check-fuzz check-xen bench bench-replay bench-xen \
        demo-recording

all: $(B)/coopvmmd $(B)/coopctl

$(B)/plain/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DCOOPVMM_VERSION='"$(VERSION)"' -c $< -o $@

$(B)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -DCOOPVMM_VERSION='"$(VERSION)"' -c $< -o $@

$(B)/coopvmmd: $(call obj,plain,$(COOPVMMD_SRC))
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(B)/coopctl: $(call obj,plain,$(COOPCTL_SRC))
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/san/coopvmmd: $(call obj,san,$(COOPVMMD_SRC))
	$(CC) $(SAN_FLAGS) -o $@ $^ $(PKG_LIBS) -lm

# Unit tests link the code under test directly, plain and sanitized:
# TEST_MAIN_NAME (default tests/unit/test_NAME.c) with policy/ and the
# sources in TEST_SRC_NAME.
TEST_SRC_policy :=
TEST_SRC_xen    := $(wildcard daemon/backend/xen/*.c) daemon/lib/log.c
TEST_SRC_xen_text := $(TEST_SRC_xen)
TEST_SRC_xen_dm := $(TEST_SRC_xen)
TEST_SRC_uuid   := daemon/lib/uuid.c
TEST_MAIN_conf  := tests/conf/test_conf.c
CONF_SRC        := $(filter-out %/conf_dump.c,$(wildcard daemon/conf/*.c))
TEST_SRC_conf   := $(CONF_SRC) daemon/conf/conf_dump.c daemon/lib/uuid.c
# The control socket's tests compile the socket, the commands and the
# metrics into the test (see test_control.c) and link the real daemon
# core; the calls that change the daemon's state go to the stand-ins of
# tests/ctl/fixture.h through the linker's --wrap (TEST_LDFLAGS_NAME).
TEST_SRC_control := daemon/core/daemon.c daemon/core/actuator.c \
                    daemon/core/state.c daemon/backend/record.c \
                    daemon/lib/uuid.c $(CONF_SRC)
TEST_LDFLAGS_control := $(foreach f,reload pause resume pin, \
                          -Wl,--wrap=daemon_$(f))
TEST_SRC_shipped = $(TEST_SRC_conf)
test_main = $(or $(TEST_MAIN_$(1)),tests/unit/test_$(1).c)
.SECONDEXPANSION:
$(B)/plain/test_%: $$(call obj,plain,$$(call test_main,$$*) $(POLICY_SRC) \
                                     $$(TEST_SRC_$$*))
	$(CC) $(CFLAGS) -o $@ $^ $(TEST_LDFLAGS_$*) $(PKG_LIBS) \
	    $(CMOCKA_LIBS) -lm

$(B)/san/test_%: $$(call obj,san,$$(call test_main,$$*) $(POLICY_SRC) \
                                   $$(TEST_SRC_$$*))
	$(CC) $(SAN_FLAGS) -o $@ $^ $(TEST_LDFLAGS_$*) $(PKG_LIBS) \
	    $(CMOCKA_LIBS) -lm

# The synthetic recording generator drives the real recording writer.
$(B)/genrec: $(call obj,plain,tests/tools/genrec.c daemon/backend/record.c \
                               daemon/lib/log.c daemon/lib/uuid.c \
                               $(POLICY_SRC))
	$(CC) $(CFLAGS) -o $@ $^ $(shell $(PKG_CONFIG) --libs zlib) -lm

# ---------------------------------------------------------------- deps
# Every Debian package the build and the tests need, on a fresh Debian 12.
DEB_BUILD   := build-essential pkg-config clang libxen-dev libconfuse-dev \
               libjansson-dev libcmocka-dev zlib1g-dev
# hv-patch/build (it also enables deb-src and runs apt-get source itself)
DEB_XEN     := bison flex python3 dpkg-dev patch xz-utils
# Libraries the system test's qemu-xen device model (hvm-dm scenario)
# takes from the host into dom0.
DEB_HVM     := libssl3 libopus0 libgstreamer1.0-0 \
               libgstreamer-plugins-base1.0-0 liborc-0.4-0 liblz4-1 \
               libsasl2-2 libstdc++6 libudev1 libunwind8 libdw1 libelf1 \
               libffi8 libbz2-1.0 libpcre2-8-0
DEB_TEST    := valgrind mandoc util-linux procps shellcheck python3 strace binutils \
               prometheus time qemu-system-x86 cpio file kmod
deps:
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	    $(DEB_BUILD) $(DEB_XEN) $(DEB_TEST) $(DEB_HVM)

# ---------------------------------------------------------------- tests
check: all
	tests/run-all $(CHECK_SUITES)

CHECK_SUITES ?= unit san clang conf fuzz hv daemon ctl init docs layout xen

check-unit: $(addprefix $(B)/plain/,$(UNIT_TESTS))
	tests/run-all unit

check-san: $(addprefix $(B)/san/,$(UNIT_TESTS))
	tests/run-all san

check-conf: $(B)/coopvmmd
	tests/run-all conf

check-daemon: all $(B)/genrec
	tests/run-all daemon

check-init: all $(B)/genrec
	tests/run-all init

check-ctl: all $(B)/genrec
	tests/run-all ctl

check-hv:
	tests/run-all hv

# The system test: Xen booted under QEMU (see tests/system/README.md).
check-xen: all
	tests/run-all xen

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
# and 4, about a minute) and bench-xen (parts 2, 3 and 5: real Xen under
# QEMU, 10 to 40 minutes) run alone too.
bench: bench-replay bench-xen

bench-replay: all $(B)/genrec
	bench/run

bench-xen: all
	bench/xen/run

# ---------------------------------------------------------------- install
install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR)
	install -m 0755 $(B)/coopvmmd $(DESTDIR)$(SBINDIR)/coopvmmd
	install -m 0755 $(B)/coopctl $(DESTDIR)$(BINDIR)/coopctl
	install -d $(DESTDIR)$(SYSCONFDIR)
	if [ -e $(DESTDIR)$(SYSCONFDIR)/coopvmm.conf ]; then \
	    install -m 0644 conf/coopvmm.conf \
	        $(DESTDIR)$(SYSCONFDIR)/coopvmm.conf.example; \
	else \
	    install -m 0644 conf/coopvmm.conf $(DESTDIR)$(SYSCONFDIR)/coopvmm.conf; \
	fi
	install -d $(DESTDIR)$(INITDIR) $(DESTDIR)$(DEFAULTDIR)
	sed -e 's|^DAEMON=.*|DAEMON=$(SBINDIR)/coopvmmd|' \
	    -e 's|^CONFIG=.*|CONFIG=$(SYSCONFDIR)/coopvmm.conf|' \
	    -e 's|^DEFAULTS_FILE=.*|DEFAULTS_FILE=$(DEFAULTDIR)/coopvmmd|' \
	    conf/init.d/coopvmmd > $(DESTDIR)$(INITDIR)/coopvmmd
	chmod 0755 $(DESTDIR)$(INITDIR)/coopvmmd
	if [ -e $(DESTDIR)$(DEFAULTDIR)/coopvmmd ]; then \
	    install -m 0644 conf/default/coopvmmd \
	        $(DESTDIR)$(DEFAULTDIR)/coopvmmd.example; \
	else \
	    install -m 0644 conf/default/coopvmmd $(DESTDIR)$(DEFAULTDIR)/coopvmmd; \
	fi
	install -d $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	for p in man/*.5; do [ -e "$$p" ] && install -m 0644 "$$p" $(DESTDIR)$(MANDIR)/man5/ || true; done
	for p in man/*.8; do [ -e "$$p" ] && install -m 0644 "$$p" $(DESTDIR)$(MANDIR)/man8/ || true; done

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/coopvmmd $(DESTDIR)$(BINDIR)/coopctl
	rm -f $(DESTDIR)$(SYSCONFDIR)/coopvmm.conf.example
	cmp -s conf/coopvmm.conf $(DESTDIR)$(SYSCONFDIR)/coopvmm.conf && \
	    rm -f $(DESTDIR)$(SYSCONFDIR)/coopvmm.conf || true
	rm -f $(DESTDIR)$(INITDIR)/coopvmmd $(DESTDIR)$(DEFAULTDIR)/coopvmmd.example
	cmp -s conf/default/coopvmmd $(DESTDIR)$(DEFAULTDIR)/coopvmmd && \
	    rm -f $(DESTDIR)$(DEFAULTDIR)/coopvmmd || true
	for p in man/*.5; do rm -f $(DESTDIR)$(MANDIR)/man5/$${p#man/}; done
	for p in man/*.8; do rm -f $(DESTDIR)$(MANDIR)/man8/$${p#man/}; done

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
