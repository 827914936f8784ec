/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * metrics.h - the daemon's state in the Prometheus text format (0.0.4),
 * for `coopctl metrics` and for the metrics file a node exporter's
 * textfile collector reads.
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
 * The same in steps, for a reply built between polls: start with a
 * zeroed cursor; each call writes the next piece, at most `max`
 * domains' lines of one family.  Returns 1 while there is more, 0 once
 * "# EOF" is written, -errno on a write error of `f`.
 */
struct metrics_cursor {
    unsigned int part;          /* 0: daemon; 1..: domain families */
    unsigned int i;             /* next domain in that family */
};
int metrics_format_step(const struct daemon *d, FILE *f,
                        struct metrics_cursor *c, unsigned int max);

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
