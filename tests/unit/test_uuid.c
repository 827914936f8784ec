/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_uuid.c - unit tests of daemon/lib/uuid.c, the one UUID text form of
 * the state file, recordings, the configuration and coopctl: what it
 * writes reads back to the same bytes, and every malformed text is
 * refused without touching the output.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "uuid.h"

static void test_round_trip(void **state)
{
    uint8_t u[16], back[16];
    char text[UUID_TEXT_LEN + 1];
    unsigned int i;

    (void)state;
    for ( i = 0; i < 16; i++ )
        u[i] = (uint8_t)(i * 17 + 0x0a);    /* 0a 1b 2c ... ff */
    uuid_to_text(u, text);
    assert_string_equal(text, "0a1b2c3d-4e5f-7081-92a3-b4c5d6e7f809");
    assert_int_equal(uuid_from_text(text, back), 0);
    assert_memory_equal(back, u, 16);
}

static void test_either_case(void **state)
{
    uint8_t a[16], b[16];

    (void)state;
    assert_int_equal(uuid_from_text("6F1C2F4E-0D4C-4D6B-9A51-3F0E8F6A2B10",
                                    a), 0);
    assert_int_equal(uuid_from_text("6f1c2f4e-0d4c-4d6b-9a51-3f0e8f6a2b10",
                                    b), 0);
    assert_memory_equal(a, b, 16);
    assert_int_equal(a[0], 0x6f);
    assert_int_equal(a[15], 0x10);
}

static void test_malformed(void **state)
{
    static const char *const bad[] = {
        "",
        "6f1c2f4e0d4c4d6b9a513f0e8f6a2b10",        /* no dashes */
        "6f1c2f4e-0d4c-4d6b-9a51-3f0e8f6a2b1",     /* short */
        "6f1c2f4e-0d4c-4d6b-9a51-3f0e8f6a2b100",   /* long */
        "6f1c2f4e-0d4c-4d6b-9a51+3f0e8f6a2b10",    /* a dash misplaced */
        "6f1c2f4e-0d4c-4d6b-9a5-13f0e8f6a2b10",
        "6g1c2f4e-0d4c-4d6b-9a51-3f0e8f6a2b10",    /* not hex */
        " 6f1c2f4e-0d4c-4d6b-9a51-3f0e8f6a2b1",
    };
    uint8_t u[16];
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
    {
        memset(u, 0xaa, sizeof(u));
        if ( uuid_from_text(bad[i], u) != -EINVAL )
            fail_msg("\"%s\" was taken for a UUID", bad[i]);
        assert_int_equal(u[0], 0xaa);
        assert_int_equal(u[15], 0xaa);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_either_case),
        cmocka_unit_test(test_malformed),
    };

    return cmocka_run_group_tests_name("uuid", tests, NULL, NULL);
}
