/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctl_top.h - `coopctl top` (ctl_top.c).
 */
#ifndef COOPVMM_CTL_TOP_H
#define COOPVMM_CTL_TOP_H

#include <stdbool.h>

/*
 * The live view until q, Control-C, or `count` refreshes (0: no limit):
 * ncurses on a terminal, else (or with `json`) the status printed again
 * each poll interval.  Returns the exit status.
 */
int ctl_top(long count, bool json);

#endif /* COOPVMM_CTL_TOP_H */
