/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * version.c - the build's version string, given by the Makefile
 * (-DCOOPVMM_VERSION).  Kept apart so that tests can link the daemon's
 * code with a version of their own.
 */
#include "version.h"

#ifndef COOPVMM_VERSION
#define COOPVMM_VERSION "0.1.0"
#endif

const char daemon_version[] = COOPVMM_VERSION;
