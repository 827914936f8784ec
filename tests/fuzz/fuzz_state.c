/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_state.c - libFuzzer target for the state file reader
 * (daemon/core/state_file.c, state_parse) and what the daemon does with
 * what it read (state.c: matching samples, adopting, sweeping).
 *
 * Input: the bytes of a state file.  Checked beyond "no crash": what was
 * read, written out again (state_format) and read back, is the same
 * table with no damaged line, and a second write gives the same text.
 *
 * Build and run (tests/fuzz/run does it when its srcs() lists
 * "state: $D/core/state.c $D/core/state_table.c $D/core/state_file.c
 * $D/lib/log.c $D/lib/uuid.c"):
 *   clang -fsanitize=fuzzer,address,undefined ... tests/fuzz/fuzz_state.c
 *       daemon/core/state*.c daemon/lib/log.c daemon/lib/uuid.c -lm
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "state.h"
#include "state_file.h"
#include "state_table.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    log_init(true, LOG_EMERG);          /* quiet: reports are not bugs */
    return 0;
}

static void same_table(struct state *a, struct state *b)
{
    unsigned int ia = 0, ib = 0;
    struct state_ent *ea, *eb;

    while ( (ea = state_next(a, &ia)) )
    {
        eb = state_next(b, &ib);
        if ( !eb || memcmp(ea->uuid, eb->uuid, 16) || ea->domid != eb->domid ||
             ea->f[0].base != eb->f[0].base || ea->f[1].base != eb->f[1].base ||
             ea->f[0].has_set != eb->f[0].has_set ||
             ea->f[1].has_next != eb->f[1].has_next )
            abort();
    }
    if ( state_next(b, &ib) )
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Opened once (the domid map is 128 KiB), emptied for each input. */
    static struct state *st, *again;
    struct policy_sample s[3];
    const char *text;
    char *copy = NULL;
    size_t len, len2;
    unsigned int i;

    if ( !st && (!(st = state_open(NULL)) || !(again = state_open(NULL))) )
        abort();
    st->nent = again->nent = 0;
    if ( state_parse(st, (const char *)data, size, "fuzz") < 0 )
        goto out;
    /* Written out and read back: the same, and nothing damaged. */
    if ( state_format(st, &text, &len) || !(copy = malloc(len + 1)) )
        goto out;
    memcpy(copy, text, len);
    if ( state_parse(again, copy, len, "again") != 0 )
        abort();
    same_table(st, again);
    if ( state_format(again, &text, &len2) || len2 != len ||
         memcmp(text, copy, len) )
        abort();
    /* A poll over the first entries, moved and reborn. */
    memset(s, 0, sizeof(s));
    for ( i = 0; i < 3; i++ )
    {
        unsigned int idx = i;
        struct state_ent *e = state_next(st, &idx);

        s[i].domid = e ? (e->domid + i) % POLICY_DOMID_LIMIT : i;
        if ( e )
            memcpy(s[i].uuid, e->uuid, 16);
        s[i].weight = 1 + (size ? data[i % size] : 0);
        s[i].cap = i * 10;
        s[i].flags = i == 2 ? POLICY_DOM_SHUTDOWN : 0;
        s[i].c.cpu_ns = i;      /* d0 of the three has not run yet */
    }
    if ( state_bases(st, s, 3, true) )
        goto out;
    for ( i = 0; i < 3; i++ )
    {
        struct state_ent *e = state_entry(st, &s[i]);

        if ( e && state_intend(st, e, &s[i], POLICY_SET_WEIGHT, 2, 0) )
            state_done(st, e, POLICY_SET_WEIGHT, 2, 0);
    }
    state_bases(st, s, 1, false);
 out:
    free(copy);
    return 0;
}
