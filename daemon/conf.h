/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf.h - coopvmm.conf: parsing (libconfuse), validation and the dump of
 * the effective policy that `coopvmmd -n -v` prints.
 *
 * Parsing never touches the running daemon: a reload parses into a new
 * struct conf and the caller swaps it in only on success.
 */
#ifndef COOPVMM_CONF_H
#define COOPVMM_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "policy.h"

#define CONF_DEFAULT_PATH   "/etc/coopvmm.conf"

enum conf_loglevel {
    CONF_LOG_ERR,
    CONF_LOG_WARNING,
    CONF_LOG_NOTICE,
    CONF_LOG_INFO,
    CONF_LOG_DEBUG,
};

struct conf {
    char *path;                 /* file it came from */
    char *name;                 /* policy name, for the banner */
    uint64_t interval_ns;       /* poll interval, 100 ms .. 60 s */
    bool dry_run;
    bool restore_on_exit;
    char *state_file;
    char *socket_path;
    char *socket_group;         /* "" : root only */
    char *metrics_file;         /* "" : none */
    enum conf_loglevel log_level;
    struct policy_config policy;
};

/*
 * Parse and validate `path`.  On success returns 0 and sets *out.  On
 * failure returns a negative errno and, if `errors` is not NULL, sets it to
 * a malloc'd text with one "file:line: message" line per error (all of
 * them, not just the first); the caller frees it.
 */
int conf_load(const char *path, struct conf **out, char **errors);

/* The same, from a buffer (fuzzing, tests); `name` stands for the file. */
int conf_load_buffer(const char *name, const char *buf, size_t len,
                     struct conf **out, char **errors);

void conf_free(struct conf *c);

/* The effective configuration in a stable, diff-friendly format. */
void conf_dump(const struct conf *c, FILE *f);

/*
 * Value parsers, exposed for the unit tests.  Each returns 0, or -EINVAL
 * (not of that form) / -ERANGE (out of range) with *why set to the rest of
 * an error message ("needs a unit (ms, s, m or h)").
 */
int conf_parse_duration(const char *s, uint64_t *ns, const char **why);
int conf_parse_weight(const char *s, enum policy_weight_kind *kind,
                      uint32_t *value, const char **why);
/* share = N%, 1%..90% of the cpupool. */
int conf_parse_share(const char *s, uint32_t *value, const char **why);
int conf_parse_cap(const char *s, enum policy_cap_kind *kind,
                   uint32_t *value, const char **why);
/* A plain decimal number >= 0 (12, 0.5, 1e6); -EINVAL otherwise. */
int conf_parse_number(const char *s, double *v);

#endif /* COOPVMM_CONF_H */
