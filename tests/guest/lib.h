/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Freestanding helpers for the test guest: port and memory I/O, CPUID, TSC,
 * 64-bit division (no libgcc in a -m32 -nostdlib build) and sorting.
 * Nothing here may print: console.c counts every console byte.
 */
#ifndef COOPVMM_GUEST_LIB_H
#define COOPVMM_GUEST_LIB_H

#include <stdint.h>
#include <stddef.h>

static inline void outb(uint16_t port, uint8_t v)
{
    asm volatile ( "outb %0, %1" :: "a" (v), "Nd" (port) );
}

static inline void outw(uint16_t port, uint16_t v)
{
    asm volatile ( "outw %0, %1" :: "a" (v), "Nd" (port) );
}

static inline void outl(uint16_t port, uint32_t v)
{
    asm volatile ( "outl %0, %1" :: "a" (v), "Nd" (port) );
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    asm volatile ( "inb %1, %0" : "=a" (v) : "Nd" (port) );
    return v;
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;

    asm volatile ( "inw %1, %0" : "=a" (v) : "Nd" (port) );
    return v;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;

    asm volatile ( "inl %1, %0" : "=a" (v) : "Nd" (port) );
    return v;
}

/* One 32-bit load or store that the compiler may not merge or drop. */
static inline uint32_t mmio_read32(uint32_t addr)
{
    return *(volatile uint32_t *)(uintptr_t)addr;
}

static inline void mmio_write32(uint32_t addr, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)addr = v;
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b,
                         uint32_t *c, uint32_t *d)
{
    asm volatile ( "cpuid"
                   : "=a" (*a), "=b" (*b), "=c" (*c), "=d" (*d)
                   : "a" (leaf), "c" (0) );
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile ( "rdtsc" : "=a" (lo), "=d" (hi) );
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    asm volatile ( "wrmsr" :: "c" (msr), "a" ((uint32_t)v),
                   "d" ((uint32_t)(v >> 32)) );
}

uint64_t udivmod64(uint64_t n, uint64_t d, uint64_t *rem);
uint64_t mul_div64(uint64_t a, uint32_t b, uint64_t d);
void sort_u32(uint32_t *v, uint32_t n);
uint32_t percentile_u32(const uint32_t *v, uint32_t n, uint32_t pct);
size_t str_len(const char *s);
int str_eq_n(const char *a, const char *b, size_t n);

#endif /* COOPVMM_GUEST_LIB_H */
