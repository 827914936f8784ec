/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * version.h - the version of this build, for the banner, `coopctl status`
 * and the metrics' build_info.
 */
#ifndef COOPVMM_VERSION_H
#define COOPVMM_VERSION_H

/* e.g. "0.1.0": the Makefile's VERSION. */
extern const char daemon_version[];

#endif /* COOPVMM_VERSION_H */
