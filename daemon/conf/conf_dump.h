/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf_dump.h - the effective configuration, as `coopvmmd -n -v` prints
 * it (conf_dump.c).
 */
#ifndef COOPVMM_CONF_DUMP_H
#define COOPVMM_CONF_DUMP_H

#include <stdio.h>

#include "conf_types.h"

/* The effective configuration in a stable, diff-friendly format. */
void conf_dump(const struct conf *c, FILE *f);

#endif /* COOPVMM_CONF_DUMP_H */
