/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * replay.h - the "replay" backend: plays a recording (record.h) through
 * the same policy and actuator as a live host.
 */
#ifndef COOPVMM_REPLAY_H
#define COOPVMM_REPLAY_H

#include "backend.h"

extern const struct backend_ops backend_replay;

#endif /* COOPVMM_REPLAY_H */
