/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_control.c - libFuzzer target for the control-socket request
 * parser and dispatcher (control_handle_request) and the text cleaner
 * every domain name goes through.
 *
 * The first input byte picks the peer's rights (bit 0: may read, bit 1:
 * may write), the rest is one request line.  Beyond "no crash", it checks
 * what must hold for any input: the reply is one JSON object with no
 * newline, carrying "version" and "ok", and "error" when not ok; and a
 * peer without write rights never reaches a state-changing call.
 *
 * The struct daemon is filled with fixed test data by tests/ctl/fixture.h,
 * which also stands in (through the linker's --wrap) for the real
 * daemon_reload/pause/resume/pin, recording each call; the rest of the
 * daemon core is the real one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "control.h"
#include "control_build.h"
#include "log.h"
#include "metrics.h"

#include "../ctl/fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_reply(const char *out)
{
    json_error_t jerr;
    json_t *r, *ok;

    if ( !out || strchr(out, '\n') )
        abort();
    r = json_loads(out, 0, &jerr);
    ok = json_object_get(r, "ok");
    if ( !json_is_object(r) || !json_is_boolean(ok) ||
         json_integer_value(json_object_get(r, "version")) !=
         CONTROL_PROTO_VERSION )
        abort();
    if ( json_is_false(ok) &&
         !json_is_string(json_object_get(r, "error")) )
        abort();
    json_decref(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct daemon dm;
    char clean[256];
    bool may_read, may_write;
    char *out;

    if ( !size )
        return 0;
    log_init(true, 0);          /* refusals are expected; keep quiet */
    fixture_init(&dm);
    may_read = data[0] & 1;
    may_write = data[0] & 2;
    out = control_handle_request(&dm, (const char *)data + 1, size - 1,
                                 may_read, may_write);
    check_reply(out);
    free(out);
    if ( !may_write && (fix.reload || fix.pause || fix.resume || fix.pin ||
                        fix.unpin || fix.trace_on) )
        abort();
    if ( !may_read && !may_write && fix.trace_read )
        abort();

    metrics_clean_text(clean, sizeof(clean), (const char *)data, size);
    if ( strlen(clean) >= sizeof(clean) )
        abort();
    return 0;
}
