/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * clock.h - the one monotonic clock every part of coopvmm reads.
 *
 * CLOCK_MONOTONIC, in nanoseconds: poll stamps and durations, deadlines
 * of the loop and of control clients.  Never the wall clock, which an
 * administrator or NTP may step.
 */
#ifndef COOPVMM_CLOCK_H
#define COOPVMM_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Nanoseconds since an arbitrary start (boot), never going back. */
static inline uint64_t clock_mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

#endif /* COOPVMM_CLOCK_H */
