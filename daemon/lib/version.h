/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * version.h - the version of this build, for the banner, `coopctl status`
 * and the metrics' build_info.
 */
#ifndef COOPVMM_VERSION_H
#define COOPVMM_VERSION_H

/* e.g. "0.1.0": the Makefile's VERSION. */
extern const char daemon_version[];

/*
 * Version of the fields of `coopctl status -j` and of the metrics'
 * names, as coopctl(8) documents them: raised whenever a field or a
 * metric is added, renamed, removed or changes its meaning.  1: the
 * fields before it was introduced.  2: contention metrics, the effect
 * check, the live condition, cpupools.
 */
#define DAEMON_SCHEMA_VERSION   3

#endif /* COOPVMM_VERSION_H */
