/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf_types.h - what a configuration is: struct conf, as the parser
 * builds it and the daemon reads it.
 *
 * Types only, no functions: every file of the parser (conf.c, conf_check.c,
 * conf_dump.c) and the daemon use it without depending on each other.
 */
#ifndef COOPVMM_CONF_TYPES_H
#define COOPVMM_CONF_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"

#define NS_MS           1000000ull
#define NS_S            (1000 * NS_MS)

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
    char *warnings;             /* "file:line: warning: ..." lines, or NULL */
};

#endif /* COOPVMM_CONF_TYPES_H */
