/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * coopctl.h - what coopctl.c (the client's transport and commands)
 * offers the status and top views.
 */
#ifndef COOPVMM_COOPCTL_H
#define COOPVMM_COOPCTL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* Set by SIGINT, SIGTERM, SIGHUP once ctl_catch_signals() ran. */
extern volatile sig_atomic_t ctl_stop;
void ctl_catch_signals(void);

/*
 * Print "coopctl: MESSAGE" and exit non-zero, after the hook set by
 * ctl_on_fatal() (top puts the terminal back first).
 */
void ctl_die(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
void ctl_on_fatal(void (*hook)(void));

/*
 * The daemon's status reply; on a transport error, or a reply that is
 * not ok, the message is printed and coopctl exits non-zero.
 */
json_t *ctl_status_request(void);

/* Print a reply as JSON; the exit status it calls for. */
int ctl_print_json(json_t *rep, size_t flags);

/* Sleep `ms`; true if a signal asked to stop. */
bool ctl_sleep(int ms);

#endif /* COOPVMM_COOPCTL_H */
