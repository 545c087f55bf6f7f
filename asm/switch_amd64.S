/*
 * gmp_swap: the one context-switch primitive of gmpsim (System V amd64).
 *
 *   void *gmp_swap(void **save_sp, void *to_sp, void *arg);
 *
 * Saves the caller's context on its own stack, stores the stack pointer in
 * *save_sp, loads to_sp and resumes whatever context was saved there.  The
 * resumed side sees `arg` as gmp_swap's return value.
 *
 * Saved frame, from the new sp upwards (64 bytes + return address):
 *   0: MXCSR (4 bytes)  4: x87 control word (2 bytes, padded)
 *   8: r15  16: r14  24: r13  32: r12  40: rbx  48: rbp  56: return address
 *
 * Only the System V callee-saved registers are kept: every caller of
 * gmp_swap is a C call site, so the compiler already treats rax, rcx, rdx,
 * rsi, rdi, r8-r11 and the vector registers as clobbered.  MXCSR's control
 * bits and the x87 control word are callee-saved too (rounding mode,
 * exception masks), so a goroutine that changes them cannot leak the change.
 *
 * The return goes through `pop; jmp` rather than `ret`: a switch never
 * returns to the call site the return-stack predictor expects, so `ret`
 * would mispredict every time, while the indirect jump is predicted from
 * the branch target buffer.
 *
 * gmp_ctx_trampoline is where a freshly built frame (gmp_ctx_make) lands:
 * r12 holds the entry function, r13 its argument, and the slot at the top
 * of the stack already holds the entry's return address (goexit for a
 * goroutine, as Go's gostartcall arranges).
 */
        .text
        .globl  gmp_swap
        .type   gmp_swap, @function
        .p2align 4
gmp_swap:
        .cfi_startproc
        pushq   %rbp
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %rbp, 0
        pushq   %rbx
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %rbx, 0
        pushq   %r12
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %r12, 0
        pushq   %r13
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %r13, 0
        pushq   %r14
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %r14, 0
        pushq   %r15
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %r15, 0
        subq    $8, %rsp
        .cfi_adjust_cfa_offset 8
        stmxcsr (%rsp)
        fnstcw  4(%rsp)

        movq    %rsp, (%rdi)            /* publish the saved context */
        movq    %rsi, %rsp              /* adopt the target context */

        ldmxcsr (%rsp)
        fldcw   4(%rsp)
        addq    $8, %rsp
        .cfi_adjust_cfa_offset -8
        popq    %r15
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r15
        popq    %r14
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r14
        popq    %r13
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r13
        popq    %r12
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r12
        popq    %rbx
        .cfi_adjust_cfa_offset -8
        .cfi_restore %rbx
        popq    %rbp
        .cfi_adjust_cfa_offset -8
        .cfi_restore %rbp
        movq    %rdx, %rax              /* hand `arg` to the resumed side */
        popq    %r8
        .cfi_adjust_cfa_offset -8
        .cfi_register %rip, %r8
        jmp     *%r8
        .cfi_endproc
        .size   gmp_swap, .-gmp_swap

/* First instruction run by a new context.  r12 = entry, r13 = argument.
 * gmp_ctx_started lets the sanitizer layer finish the fiber switch; it is
 * a plain C function and preserves r12/r13. */
        .globl  gmp_ctx_trampoline
        .type   gmp_ctx_trampoline, @function
        .p2align 4
gmp_ctx_trampoline:
        .cfi_startproc
        .cfi_undefined %rip
        subq    $8, %rsp
        movq    %rax, %rdi              /* the arg of the swap that started us */
        call    gmp_ctx_started         /* returns its argument */
        addq    $8, %rsp
        movq    %rax, %rsi
        movq    %r13, %rdi
        jmp     *%r12                   /* entry(arg, swap_arg) */
        .cfi_endproc
        .size   gmp_ctx_trampoline, .-gmp_ctx_trampoline

/* goexit: the return address of every goroutine's entry function.  The
 * leading nop mirrors Go's goexit+PCQuantum: the return address points one
 * byte in, so "return pc - 1" still lies inside goexit for unwinders.  The
 * CFI marks this as the outermost frame, so gdb stops its backtrace here.
 * It calls through gmp_goexit_fn, which the runtime layer sets, so asm/
 * does not depend on the layer above it. */
        .globl  gmp_goexit
        .type   gmp_goexit, @function
        .p2align 4
gmp_goexit:
        .cfi_startproc
        .cfi_undefined %rip
        nop
        call    *gmp_goexit_fn(%rip)    /* runtime's goexit1; never returns */
        ud2
        .cfi_endproc
        .size   gmp_goexit, .-gmp_goexit

        .section .note.GNU-stack,"",@progbits
