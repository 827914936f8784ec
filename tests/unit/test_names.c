/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_names.c - unit tests of coopctl's name fitting (ctl_names.c):
 * display width of UTF-8, a visible cut that keeps the tail, and never
 * two different names shown the same, in a UTF-8 locale and in "C".
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ctl_names.h"

#define ELL "\xe2\x80\xa6"

static char out[8][CTL_FIT_MAX];

static void fit(const char *const *names, unsigned int n, int width)
{
    static const long long ids[] = { 1, 2, 3, 4, 5, 6, 7, 8 };

    ctl_fit_names(out, names, ids, n, width);
}

static int utf8(void **state)
{
    (void)state;
    return setlocale(LC_ALL, "C.UTF-8") ? 0 : -1;
}

static void test_width(void **state)
{
    (void)state;
    assert_int_equal(ctl_display_width("web"), 3);
    assert_int_equal(ctl_display_width("caf\xc3\xa9"), 4);      /* é */
    assert_int_equal(ctl_display_width("\xe6\x97\xa5"), 2);     /* 日 */
}

static void test_fits_and_cut(void **state)
{
    const char *names[] = { "web", "web-frontend-production-01" };

    (void)state;
    fit(names, 2, 16);
    assert_string_equal(out[0], "web");
    /* Head, the mark, tail: 10 + 1 + 5 columns. */
    assert_string_equal(out[1], "web-fronte" ELL "on-01");
    assert_int_equal(ctl_display_width(out[1]), 16);
}

static void test_never_alike(void **state)
{
    const char *names[] = { "backup-very-long-name-of-a-domain-x",
                            "backup-very-long-name-of-b-domain-x",
                            "db" };
    unsigned int i, j;

    (void)state;
    fit(names, 3, 16);
    /* The plain cut reads the same for both: they show their domids. */
    assert_string_equal(out[0], "backup-very-l" ELL "#1");
    assert_string_equal(out[1], "backup-very-l" ELL "#2");
    assert_string_equal(out[2], "db");
    for ( i = 0; i < 3; i++ )
    {
        assert_true(ctl_display_width(out[i]) <= 16);
        for ( j = i + 1; j < 3; j++ )
            assert_string_not_equal(out[i], out[j]);
    }
}

/* A wide character is never split, and the width is kept. */
static void test_wide(void **state)
{
    const char *names[] = { "\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5"
                            "\xe6\x97\xa5\xe6\x97\xa5" };

    (void)state;
    fit(names, 1, 7);           /* 12 columns into 7: 2 + mark + 2... */
    assert_true(ctl_display_width(out[0]) <= 7);
    assert_non_null(strstr(out[0], ELL));
}

static void test_c_locale(void **state)
{
    const char *names[] = { "caf\xc3\xa9", "caf\xc3\xa8",
                            "a-very-long-domain-name-1" };

    (void)state;
    setlocale(LC_ALL, "C");
    fit(names, 3, 12);
    /* Both would read "caf??": told apart by domid; the cut mark is ~. */
    assert_string_not_equal(out[0], out[1]);
    assert_non_null(strstr(out[0], "#1"));
    assert_string_equal(out[2], "a-very-l~e-1");
    setlocale(LC_ALL, "C.UTF-8");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_fits_and_cut),
        cmocka_unit_test(test_never_alike),
        cmocka_unit_test(test_wide),
        cmocka_unit_test(test_c_locale),
    };

    return cmocka_run_group_tests_name("names", tests, utf8, NULL);
}
