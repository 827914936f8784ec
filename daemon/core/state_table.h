/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * state_table.h - the entries of the state (struct state), and how they
 * are stored: an array, and for each domid the index of the entry of the
 * domain that has it now (state_table.c).
 *
 * Shared by state.c (what the entries mean) and state_file.c (how they
 * are kept on disk); nothing else looks inside struct state.
 */
#ifndef COOPVMM_STATE_TABLE_H
#define COOPVMM_STATE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STATE_NO_ENT    UINT32_MAX

/*
 * One field (weight or cap) of a guest.  `base` is the administrator's.
 * `set` and `next` are coopvmm's own values that may be in force on the
 * guest, and so must never be taken for the administrator's: `set` the
 * one last seen in force, `next` one written ahead of a scheduler call
 * whose outcome is not known yet, or a value the guest may carry into a
 * new domain (xl copies the live values on reboot, save and migration).
 */
struct state_field {
    uint32_t base;
    uint32_t set, next;
    bool has_set, has_next;
};

enum state_field_id { STATE_WEIGHT, STATE_CAP, STATE_NFIELDS };

struct state_ent {
    uint8_t uuid[16];           /* the guest: bases belong to it */
    uint32_t domid;             /* the domain it was last seen as */
    struct state_field f[STATE_NFIELDS];
    bool seen;                  /* sampled in the current poll */
    bool leaving;               /* seen shutting down or dying */
    bool failed;                /* its last scheduler call failed (said) */
    bool superseded;            /* a newer domain of the guest has it */
    bool dry_said;              /* dry-run: dry_w/dry_c said, still wanted */
    uint32_t dry_w, dry_c;      /* dry-run: the values last said "would set" */
    uint64_t last_poll;         /* the last poll it was sampled in */
};

struct state {
    struct state_ent *ent;
    unsigned int nent, nent_max;
    uint32_t *map;              /* domid -> entry of the live domain, or
                                   stale (see state_table_find) */
    uint64_t poll;              /* state_bases() calls so far */
    uint64_t written;           /* st->poll at the last write */

    /* The file (state_file.c); path NULL: in memory only. */
    char *path, *dir, *name;    /* path = dir/name */
    int dirfd;                  /* dir, opened once (-1: not open) */
    bool loaded;                /* read, or found not to exist */
    bool just_loaded;           /* read late: the next poll is a first */
    bool dirty;                 /* memory differs from the file */
    bool need_sync;             /* a value written ahead is not on disk */
    int err;                    /* -errno of the last failed write, or 0 */
    char *buf;                  /* the text of each write */
    size_t buf_max;
};

/* A new zeroed entry at the end; NULL on ENOMEM.  May move entries. */
struct state_ent *state_table_add(struct state *st);

/* Every map slot empty (once, at open). */
void state_table_init_map(struct state *st);

/*
 * Point the domid map at the entries seen in this poll (or all).  Slots
 * of other domids are left as they were: state_table_find() checks.
 */
void state_table_remap(struct state *st, bool seen_only);

/*
 * Keep the entries keep(st, e) says yes to, in order; the map is
 * rebuilt.  Returns how many were dropped.
 */
unsigned int state_table_filter(struct state *st,
                                bool (*keep)(const struct state *st,
                                             const struct state_ent *e));

/* The index of the entry of (domid, uuid) through the map, or STATE_NO_ENT. */
uint32_t state_table_find(const struct state *st, uint32_t domid,
                          const uint8_t uuid[16]);

/* Whether a UUID is all zeroes (dom0; nothing to follow). */
bool state_uuid_null(const uint8_t uuid[16]);

#endif /* COOPVMM_STATE_TABLE_H */
