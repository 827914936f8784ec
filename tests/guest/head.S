/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry point of the coopvmm test guest.  Xen starts a PVH guest in 32-bit
 * protected mode with paging off, flat segments, interrupts disabled and
 * %ebx pointing at struct hvm_start_info.  We stay in that mode for good: no
 * IDT, no paging, interrupts never enabled.  Must not touch any device.
 */

/* XEN_ELFNOTE_PHYS32_ENTRY (public/elfnote.h): where libxl enters a PVH kernel. */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

        .section .note.Xen, "a", @note
        .balign 4
        .long 4                         /* namesz ("Xen\0") */
        .long 4                         /* descsz */
        .long XEN_ELFNOTE_PHYS32_ENTRY
        .asciz "Xen"
        .long _start
        .balign 4

        .text
        .code32
        .globl _start
_start:
        cld
        mov     $stack_top, %esp
        push    %ebx                    /* struct hvm_start_info * */
        call    guest_main
        /* guest_main() shuts the domain down; if that ever fails, stop here. */
1:      hlt
        jmp     1b

        .bss
        .balign 4096
        .globl hypercall_page
hypercall_page:
        .space 4096
        .globl shared_info_page
shared_info_page:
        .space 4096
        .balign 16
        .space 32768
stack_top:
