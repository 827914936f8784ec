/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_log.c - unit tests of daemon/lib/log.c's repeating failures: a
 * failure that repeats is one line, then one per interval with its count,
 * then one on recovery; a new errno is said at once; the keyed table
 * keeps the failures that are still going on.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <cmocka.h>

#include "log.h"

static char lines[16][1024];
static unsigned int nlines;

static void grab(int pri, const char *msg)
{
    (void)pri;
    if ( nlines < 16 )
        snprintf(lines[nlines], sizeof(lines[0]), "%s", msg);
    nlines++;
}

static int setup(void **state)
{
    (void)state;
    /* Stderr stays quiet: LOG_CRIT only is shown there... */
    log_init(true, LOG_DEBUG);
    log_capture(grab);
    log_repeat_interval(LOG_REPEAT_NS);
    nlines = 0;
    return 0;
}

/* reports/06: 172 800 identical lines a day was one per poll. */
static void test_repeat_once(void **state)
{
    struct log_repeat r = { 0 };
    unsigned int i;

    (void)state;
    for ( i = 0; i < 1000; i++ )
        log_fail(&r, LOG_ERR, ENOTDIR, "cannot write the state file %s",
                 "/x/state");
    assert_int_equal(nlines, 1);
    assert_string_equal(lines[0], "cannot write the state file /x/state: "
                        "Not a directory");
    assert_true(r.failing);
    assert_int_equal(r.total, 1000);

    /* The interval has passed: one line, with the count. */
    log_repeat_interval(0);
    assert_true(log_fail(&r, LOG_ERR, ENOTDIR, "cannot write %s", "it"));
    assert_int_equal(nlines, 2);
    assert_non_null(strstr(lines[1], "cannot write it: Not a directory "
                           "(still failing: 1001 times in "));

    /* Recovery: one line; a second success says nothing. */
    assert_true(log_ok(&r, "state file %s", "/x/state"));
    assert_int_equal(nlines, 3);
    assert_non_null(strstr(lines[2], "state file /x/state: works again "
                           "after 1001 failures in "));
    assert_false(r.failing);
    assert_false(log_ok(&r, "state file"));
    assert_int_equal(nlines, 3);
}

static void test_new_errno_at_once(void **state)
{
    struct log_repeat r = { 0 };

    (void)state;
    log_fail(&r, LOG_WARNING, ENOSPC, "write");
    log_fail(&r, LOG_WARNING, ENOSPC, "write");
    assert_int_equal(nlines, 1);
    log_fail(&r, LOG_WARNING, EACCES, "write");
    assert_int_equal(nlines, 2);
    assert_non_null(strstr(lines[1], "write: Permission denied (still "
                           "failing: 3 times in"));
    /* No errno to show: no ": Success". */
    log_ok(&r, "write");
    log_fail(&r, LOG_WARNING, 0, "reload failed");
    assert_string_equal(lines[3], "reload failed");
}

static void test_below_level_counts(void **state)
{
    struct log_repeat r = { 0 };

    (void)state;
    log_setlevel(LOG_ERR);
    log_fail(&r, LOG_WARNING, EIO, "hidden");
    assert_int_equal(nlines, 0);
    assert_int_equal(r.total, 1);
    log_setlevel(LOG_DEBUG);
}

static void test_keyed(void **state)
{
    struct log_repeat *a, *b;
    unsigned int i;

    (void)state;
    a = log_repeat_get(1);
    b = log_repeat_get(2);
    assert_ptr_not_equal(a, b);
    assert_ptr_equal(log_repeat_find(1), a);
    assert_null(log_repeat_find(3));
    log_fail(a, LOG_ERR, EINVAL, "d1: cannot set");
    /* Fill the table with failures that stopped: key 1 still fails. */
    for ( i = 100; i < 100 + 2 * LOG_REPEAT_KEYS; i++ )
        log_repeat_get(i);
    assert_ptr_equal(log_repeat_find(1), a);
    assert_true(a->failing);
    assert_null(log_repeat_find(2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_repeat_once, setup),
        cmocka_unit_test_setup(test_new_errno_at_once, setup),
        cmocka_unit_test_setup(test_below_level_counts, setup),
        cmocka_unit_test_setup(test_keyed, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
