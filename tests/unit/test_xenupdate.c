/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_xenupdate.c - the start-up check "is Debian's installed hypervisor
 * package newer than the running coopvmm hypervisor?" (xen_update.c):
 * Debian's version order, the running version from Xen's (possibly cut)
 * extra version and /boot, the newest installed package from dpkg-query.
 * The whole line on real Xen: tests/system scenario daemon-update.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "xen_update.h"

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

static void test_vercmp(void **state)
{
    /* Each pair: a sorts before b (dpkg --compare-versions a lt b). */
    static const char *const lt[][2] = {
        { "4.17.7", "4.17.7+13-g2445b30a44-0+deb12u1" },
        { "4.17.5+72-g01140da4e8-1", "4.17.7" },
        { "4.17.7+13-g2445b30a44-0+deb12u1", "4.17.7+14-gabc-0+deb12u1" },
        { "4.17.7+13-g2445b30a44-0+deb12u1", "4.17.7+13-g2445b30a44-0+deb12u2" },
        { "4.20.4", "4.20.4+63-g7abfd2bce2-0+deb13u1" },
        { "4.17.7+13-g2445b30a44-0+deb12u1", "4.20.4" },
        { "4.9", "4.10" },
        { "1.0~rc1", "1.0" },
        { "1.0", "1:0.1" },
        { "1.0-1", "1.0-1.1" },
        { "1.0a", "1.0+" },
        { "2.09", "2.10" },
    };
    size_t i;

    (void)state;
    for ( i = 0; i < sizeof(lt) / sizeof(lt[0]); i++ )
    {
        assert_int_equal(sign(xen_update_vercmp(lt[i][0], lt[i][1])), -1);
        assert_int_equal(sign(xen_update_vercmp(lt[i][1], lt[i][0])), 1);
        assert_int_equal(xen_update_vercmp(lt[i][0], lt[i][0]), 0);
    }
    assert_int_equal(xen_update_vercmp("4.010", "4.10"), 0);
}

static void test_running(void **state)
{
    static const char *const boot[] = {
        "xen-4.17-amd64.gz",
        "xen-4.17.7+13-g2445b30a44-0+deb12u1-coopvmm.gz",
        "xen-4.17.7+13-g2445b30a44-0+deb12u1-coopvmm.config",
        "xen-4.17.7-coopvmm.gz",
    };
    char v[64];

    (void)state;
    /* Whole label: upstream test build, and 4.20's long extraversion2. */
    assert_int_equal(xen_update_running(4, 20, ".4-coopvmm", NULL, 0,
                                        v, sizeof(v)), 0);
    assert_string_equal(v, "4.20.4");
    assert_int_equal(xen_update_running(4, 20,
                         ".4+63-g7abfd2bce2-0+deb13u1-coopvmm", NULL, 0,
                         v, sizeof(v)), 0);
    assert_string_equal(v, "4.20.4+63-g7abfd2bce2-0+deb13u1");
    /* Debian's own hypervisor: not ours. */
    assert_int_equal(xen_update_running(4, 17, ".7+13-g2445b30", boot, 4,
                                        v, sizeof(v)), -ENOENT);
    assert_int_equal(xen_update_running(4, 17, ".7", boot, 4, v, sizeof(v)),
                     -ENOENT);
    /* 4.17 cuts the extra version to 15 characters: /boot completes it. */
    assert_int_equal(xen_update_running(4, 17, ".7+13-g2445b30a", boot, 4,
                                        v, sizeof(v)), 0);
    assert_string_equal(v, "4.17.7+13-g2445b30a44-0+deb12u1");
    /* ... unless no file, or two, match. */
    assert_int_equal(xen_update_running(4, 17, ".7+13-g2445b30a", boot, 1,
                                        v, sizeof(v)), -ERANGE);
    {
        static const char *const two[] = {
            "xen-4.17.7+13-g2445b30a44-0+deb12u1-coopvmm.gz",
            "xen-4.17.7+13-g2445b30a44-0+deb12u2-coopvmm.gz",
        };

        assert_int_equal(xen_update_running(4, 17, ".7+13-g2445b30a", two,
                                            2, v, sizeof(v)), -ERANGE);
    }
}

static void test_newest(void **state)
{
    char p[96], v[96];

    (void)state;
    assert_int_equal(xen_update_newest(
        "xen-hypervisor-4.17-amd64 4.17.7+13-g2445b30a44-0+deb12u1 ii\n"
        "xen-hypervisor-4.20-amd64 4.20.4+63-g7abfd2bce2-0+deb13u1 ii\n"
        "xen-hypervisor-common 4.20.4+63-g7abfd2bce2-0+deb13u1 ii\n"
        "xen-hypervisor-4.21-amd64 4.21.2-1 un\n", p, sizeof(p), v,
        sizeof(v)), 0);
    assert_string_equal(v, "4.20.4+63-g7abfd2bce2-0+deb13u1");
    assert_string_equal(p, "xen-hypervisor-4.20-amd64");
    /* Removed (rc) or never installed (un): nothing to compare with. */
    assert_int_equal(xen_update_newest(
        "xen-hypervisor-4.17-amd64 4.17.7+13-g2445b30a44-0+deb12u1 rc\n",
        p, sizeof(p), v, sizeof(v)), -ENOENT);
    assert_int_equal(xen_update_newest("", p, sizeof(p), v, sizeof(v)),
                     -ENOENT);
    assert_int_equal(xen_update_newest("garbage\n\n", p, sizeof(p), v,
                                       sizeof(v)), -ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vercmp),
        cmocka_unit_test(test_running),
        cmocka_unit_test(test_newest),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
