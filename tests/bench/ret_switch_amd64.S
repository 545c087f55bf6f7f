/* Benchmark-only reference: the textbook push/pop switch that returns with
 * `ret`, to show what the pop+jmp return in asm/switch_amd64.S buys.
 *   void *ret_swap(void **save_sp, void *to_sp, void *arg); */
        .text
        .globl  ret_swap
        .type   ret_swap, @function
ret_swap:
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        subq    $8, %rsp
        stmxcsr (%rsp)
        fnstcw  4(%rsp)
        movq    %rsp, (%rdi)
        movq    %rsi, %rsp
        ldmxcsr (%rsp)
        fldcw   4(%rsp)
        addq    $8, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        movq    %rdx, %rax
        ret
        .size   ret_swap, .-ret_swap
        .section .note.GNU-stack,"",@progbits
