/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * metrics_file.h - the metrics file a node exporter's textfile collector
 * reads (metrics-file in coopvmm.conf): metrics.h's exposition, written
 * atomically on every poll (metrics_file.c).
 */
#ifndef COOPVMM_METRICS_FILE_H
#define COOPVMM_METRICS_FILE_H

struct daemon;

/*
 * Write the exposition of `d` to `path` atomically: a temporary file
 * with a random name in the same directory (opened once, and again only
 * when it is replaced or the path changes), fsync, rename.  A reader
 * sees the old file or the new one, never half of one.  When the
 * directory is opened, temporary files a killed daemon left there are
 * removed.  Returns 0 or -errno; a failure is logged once, then once an
 * hour while it lasts, and its end once (log.h's log_repeat).
 */
int metrics_write_file(const struct daemon *d, const char *path);

/* Close what metrics_write_file() keeps open (at exit). */
void metrics_file_close(void);

#endif /* COOPVMM_METRICS_FILE_H */
