/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * replay_host.h - the replay's host kept in a file across runs
 * (coopvmmd --replay-host FILE; replay_host.c): each guest's weight and
 * cap as the replayed daemon left them, like a hypervisor that lives on
 * while the daemon is killed and started again.
 *
 * File format, one guest a line after a version line ('#' lines are
 * comments):
 *
 *   coopvmm-replay-host 1
 *   <uuid> <weight> <cap> <recorded-weight|-> <recorded-cap|->
 *
 * weight and cap are the values in force.  recorded-*: the values the
 * recording last gave that guest (its w lines); a w line that gives the
 * same again is not news and leaves the values in force alone, one that
 * differs is a change made on the recorded host and replaces them.  "-"
 * (written by hand): the recording never overrides this guest's values,
 * so a replay can start from other base values than the recorded ones.
 */
#ifndef COOPVMM_REPLAY_HOST_H
#define COOPVMM_REPLAY_HOST_H

#include <stdint.h>

#define REPLAY_HOST_MAGIC   "coopvmm-replay-host 1"

struct replay_host;

/*
 * Open the host file `path` and read it if it exists.  0, or -errno with
 * the reason logged (a malformed line with file:line).
 */
int replay_host_open(struct replay_host **out, const char *path);

/*
 * Write the file (temporary file, rename) and free.  A host that could not
 * be written is reported; NULL is a no-op.
 */
void replay_host_close(struct replay_host *h);

/*
 * A w line of the recording gives guest `uuid` the values *weight, *cap:
 * they become the values in force in *weight, *cap (see the format).
 * 0 or -ENOMEM.
 */
int replay_host_recorded(struct replay_host *h, const uint8_t uuid[16],
                         uint32_t *weight, uint32_t *cap);

/*
 * The daemon set the guest's values: kept, and the file written at once
 * (a killed daemon leaves the host as it was after its last call).
 * 0 or -errno (logged).
 */
int replay_host_set(struct replay_host *h, const uint8_t uuid[16],
                    uint32_t weight, uint32_t cap);

#endif /* COOPVMM_REPLAY_HOST_H */
