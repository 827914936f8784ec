/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * metrics.h - the daemon's state as a Prometheus/OpenMetrics text
 * exposition, for `coopctl metrics` and for the metrics file a node
 * exporter's textfile collector reads.
 */
#ifndef COOPVMM_METRICS_H
#define COOPVMM_METRICS_H

#include <stddef.h>
#include <stdio.h>

struct daemon;

/*
 * Write the exposition of `d` to `f`: # HELP and # TYPE for each family,
 * counters ending in _total, units in the names, "# EOF" last.
 * Returns 0 or -errno (a write error of `f`).
 */
int metrics_format(const struct daemon *d, FILE *f);

/*
 * Write it to `path` atomically: a temporary file in the same directory,
 * fsync, rename.  A reader sees the old file or the new one, never half
 * of one.  Returns 0 or -errno; logs why.
 */
int metrics_write_file(const struct daemon *d, const char *path);

/*
 * Copy the first `srclen` bytes of `src` (stopping at a NUL) to `dst` as
 * valid UTF-8 without control characters: a byte that starts no valid
 * sequence, or a control character, becomes '?'.  Domain names come from
 * guests' xenstore entries; JSON and label values need clean text.
 * Always NUL-terminates (dstlen > 0).
 */
void metrics_clean_text(char *dst, size_t dstlen, const char *src,
                        size_t srclen);

#endif /* COOPVMM_METRICS_H */
