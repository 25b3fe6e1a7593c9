/* A small stack-based bytecode interpreter: a big switch dispatch loop
 * (compiled to a jump table), a second dispatcher using a table of function
 * pointers (indirect calls), and computed-goto dispatch (indirect jumps).
 * Runs a few programs: loops, calls/returns, arithmetic. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum op {
    PUSH, POP, ADD, SUB, MUL, DIV, MOD, DUP, SWAP, OVER, JMP, JZ, JNZ, LT, EQ, LOAD, STORE, CALL, RET, PRINT, HALT,
    XOR, SHL, SHR, NEG, NOP, NOPS
};
static const char *const names[NOPS] = {"push", "pop", "add", "sub", "mul", "div", "mod", "dup", "swap",
                                        "over", "jmp", "jz", "jnz", "lt", "eq", "load", "store", "call",
                                        "ret", "print", "halt", "xor", "shl", "shr", "neg", "nop"};

struct vm {
    const int64_t *code;
    int64_t stack[256];
    int sp;
    int64_t rstack[64];
    int rsp;
    int64_t mem[16];
    long pc;
    long steps;
    int halted;
    uint64_t out_hash;
    int quiet;
};

static void do_print(struct vm *m, int64_t v) {
    m->out_hash = m->out_hash * 1000003 ^ (uint64_t)v;
    if (!m->quiet) printf("  print %lld\n", (long long)v);
}

/* --- switch dispatch --- */
static void run_switch(struct vm *m) {
    for (;;) {
        int64_t op = m->code[m->pc++], a, b;
        m->steps++;
        switch (op) {
        case PUSH: m->stack[m->sp++] = m->code[m->pc++]; break;
        case POP: m->sp--; break;
        case ADD: b = m->stack[--m->sp]; m->stack[m->sp - 1] += b; break;
        case SUB: b = m->stack[--m->sp]; m->stack[m->sp - 1] -= b; break;
        case MUL: b = m->stack[--m->sp]; m->stack[m->sp - 1] *= b; break;
        case DIV: b = m->stack[--m->sp]; m->stack[m->sp - 1] = b ? m->stack[m->sp - 1] / b : 0; break;
        case MOD: b = m->stack[--m->sp]; m->stack[m->sp - 1] = b ? m->stack[m->sp - 1] % b : 0; break;
        case DUP: m->stack[m->sp] = m->stack[m->sp - 1]; m->sp++; break;
        case SWAP: a = m->stack[m->sp - 1]; m->stack[m->sp - 1] = m->stack[m->sp - 2]; m->stack[m->sp - 2] = a; break;
        case OVER: m->stack[m->sp] = m->stack[m->sp - 2]; m->sp++; break;
        case JMP: m->pc = m->code[m->pc]; break;
        case JZ: a = m->stack[--m->sp]; m->pc = a == 0 ? m->code[m->pc] : m->pc + 1; break;
        case JNZ: a = m->stack[--m->sp]; m->pc = a != 0 ? m->code[m->pc] : m->pc + 1; break;
        case LT: b = m->stack[--m->sp]; m->stack[m->sp - 1] = m->stack[m->sp - 1] < b; break;
        case EQ: b = m->stack[--m->sp]; m->stack[m->sp - 1] = m->stack[m->sp - 1] == b; break;
        case LOAD: m->stack[m->sp++] = m->mem[m->code[m->pc++]]; break;
        case STORE: m->mem[m->code[m->pc++]] = m->stack[--m->sp]; break;
        case CALL: m->rstack[m->rsp++] = m->pc + 1; m->pc = m->code[m->pc]; break;
        case RET: m->pc = m->rstack[--m->rsp]; break;
        case PRINT: do_print(m, m->stack[--m->sp]); break;
        case HALT: return;
        case XOR: b = m->stack[--m->sp]; m->stack[m->sp - 1] ^= b; break;
        case SHL: b = m->stack[--m->sp]; m->stack[m->sp - 1] = (int64_t)((uint64_t)m->stack[m->sp - 1] << (b & 63)); break;
        case SHR: b = m->stack[--m->sp]; m->stack[m->sp - 1] = (int64_t)((uint64_t)m->stack[m->sp - 1] >> (b & 63)); break;
        case NEG: m->stack[m->sp - 1] = -m->stack[m->sp - 1]; break;
        case NOP: break;
        default: printf("bad op %lld\n", (long long)op); return;
        }
    }
}

/* --- function pointer dispatch --- */
typedef void (*handler)(struct vm *);
#define BIN(name, expr) static void h_##name(struct vm *m) { int64_t b = m->stack[--m->sp], a = m->stack[m->sp - 1]; m->stack[m->sp - 1] = (expr); }
BIN(add, a + b)
BIN(sub, a - b)
BIN(mul, a * b)
BIN(div, b ? a / b : 0)
BIN(mod, b ? a % b : 0)
BIN(lt, a < b)
BIN(eq, a == b)
BIN(xor, a ^ b)
BIN(shl, (int64_t)((uint64_t)a << (b & 63)))
BIN(shr, (int64_t)((uint64_t)a >> (b & 63)))
static void h_push(struct vm *m) { m->stack[m->sp++] = m->code[m->pc++]; }
static void h_pop(struct vm *m) { m->sp--; }
static void h_dup(struct vm *m) { m->stack[m->sp] = m->stack[m->sp - 1]; m->sp++; }
static void h_swap(struct vm *m) { int64_t t = m->stack[m->sp - 1]; m->stack[m->sp - 1] = m->stack[m->sp - 2]; m->stack[m->sp - 2] = t; }
static void h_over(struct vm *m) { m->stack[m->sp] = m->stack[m->sp - 2]; m->sp++; }
static void h_jmp(struct vm *m) { m->pc = m->code[m->pc]; }
static void h_jz(struct vm *m) { int64_t a = m->stack[--m->sp]; m->pc = a == 0 ? m->code[m->pc] : m->pc + 1; }
static void h_jnz(struct vm *m) { int64_t a = m->stack[--m->sp]; m->pc = a != 0 ? m->code[m->pc] : m->pc + 1; }
static void h_load(struct vm *m) { m->stack[m->sp++] = m->mem[m->code[m->pc++]]; }
static void h_store(struct vm *m) { m->mem[m->code[m->pc++]] = m->stack[--m->sp]; }
static void h_call(struct vm *m) { m->rstack[m->rsp++] = m->pc + 1; m->pc = m->code[m->pc]; }
static void h_ret(struct vm *m) { m->pc = m->rstack[--m->rsp]; }
static void h_print(struct vm *m) { do_print(m, m->stack[--m->sp]); }
static void h_halt(struct vm *m) { m->halted = 1; }
static void h_neg(struct vm *m) { m->stack[m->sp - 1] = -m->stack[m->sp - 1]; }
static void h_nop(struct vm *m) { (void)m; }
static const handler table[NOPS] = {h_push, h_pop, h_add, h_sub, h_mul, h_div, h_mod, h_dup, h_swap,
                                    h_over, h_jmp, h_jz, h_jnz, h_lt, h_eq, h_load, h_store, h_call,
                                    h_ret, h_print, h_halt, h_xor, h_shl, h_shr, h_neg, h_nop};
static void run_table(struct vm *m) {
    while (!m->halted) {
        handler h = table[m->code[m->pc++]];
        m->steps++;
        h(m);
    }
}

/* --- computed goto dispatch --- */
static void run_goto(struct vm *m) {
    static void *const labels[NOPS] = {&&l_push, &&l_pop, &&l_add, &&l_sub, &&l_mul, &&l_div, &&l_mod,
                                       &&l_dup, &&l_swap, &&l_over, &&l_jmp, &&l_jz, &&l_jnz, &&l_lt,
                                       &&l_eq, &&l_load, &&l_store, &&l_call, &&l_ret, &&l_print, &&l_halt,
                                       &&l_xor, &&l_shl, &&l_shr, &&l_neg, &&l_nop};
    int64_t a, b;
#define NEXT do { m->steps++; goto *labels[m->code[m->pc++]]; } while (0)
    NEXT;
l_push: m->stack[m->sp++] = m->code[m->pc++]; NEXT;
l_pop: m->sp--; NEXT;
l_add: b = m->stack[--m->sp]; m->stack[m->sp - 1] += b; NEXT;
l_sub: b = m->stack[--m->sp]; m->stack[m->sp - 1] -= b; NEXT;
l_mul: b = m->stack[--m->sp]; m->stack[m->sp - 1] *= b; NEXT;
l_div: b = m->stack[--m->sp]; m->stack[m->sp - 1] = b ? m->stack[m->sp - 1] / b : 0; NEXT;
l_mod: b = m->stack[--m->sp]; m->stack[m->sp - 1] = b ? m->stack[m->sp - 1] % b : 0; NEXT;
l_dup: m->stack[m->sp] = m->stack[m->sp - 1]; m->sp++; NEXT;
l_swap: a = m->stack[m->sp - 1]; m->stack[m->sp - 1] = m->stack[m->sp - 2]; m->stack[m->sp - 2] = a; NEXT;
l_over: m->stack[m->sp] = m->stack[m->sp - 2]; m->sp++; NEXT;
l_jmp: m->pc = m->code[m->pc]; NEXT;
l_jz: a = m->stack[--m->sp]; m->pc = a == 0 ? m->code[m->pc] : m->pc + 1; NEXT;
l_jnz: a = m->stack[--m->sp]; m->pc = a != 0 ? m->code[m->pc] : m->pc + 1; NEXT;
l_lt: b = m->stack[--m->sp]; m->stack[m->sp - 1] = m->stack[m->sp - 1] < b; NEXT;
l_eq: b = m->stack[--m->sp]; m->stack[m->sp - 1] = m->stack[m->sp - 1] == b; NEXT;
l_load: m->stack[m->sp++] = m->mem[m->code[m->pc++]]; NEXT;
l_store: m->mem[m->code[m->pc++]] = m->stack[--m->sp]; NEXT;
l_call: m->rstack[m->rsp++] = m->pc + 1; m->pc = m->code[m->pc]; NEXT;
l_ret: m->pc = m->rstack[--m->rsp]; NEXT;
l_print: do_print(m, m->stack[--m->sp]); NEXT;
l_xor: b = m->stack[--m->sp]; m->stack[m->sp - 1] ^= b; NEXT;
l_shl: b = m->stack[--m->sp]; m->stack[m->sp - 1] = (int64_t)((uint64_t)m->stack[m->sp - 1] << (b & 63)); NEXT;
l_shr: b = m->stack[--m->sp]; m->stack[m->sp - 1] = (int64_t)((uint64_t)m->stack[m->sp - 1] >> (b & 63)); NEXT;
l_neg: m->stack[m->sp - 1] = -m->stack[m->sp - 1]; NEXT;
l_nop: NEXT;
l_halt: return;
#undef NEXT
}

/* programs are assembled at runtime so jump targets are computed */
struct asmb {
    int64_t code[512];
    int n;
};
static int emit(struct asmb *a, int64_t v) { a->code[a->n] = v; return a->n++; }

/* program 0: print factorials 1..20 using a subroutine; mem0 = i, mem1 = acc */
static void build_fact(struct asmb *a) {
    a->n = 0;
    emit(a, PUSH); emit(a, 1); emit(a, STORE); emit(a, 0);
    emit(a, PUSH); emit(a, 1); emit(a, STORE); emit(a, 1);
    int loop = a->n;
    emit(a, LOAD); emit(a, 0); emit(a, PUSH); emit(a, 21); emit(a, LT);
    emit(a, JZ); int jz_fix = emit(a, 0);
    emit(a, CALL); int call_fix = emit(a, 0);
    emit(a, LOAD); emit(a, 1); emit(a, PRINT);
    emit(a, LOAD); emit(a, 0); emit(a, PUSH); emit(a, 1); emit(a, ADD); emit(a, STORE); emit(a, 0);
    emit(a, JMP); emit(a, loop);
    a->code[jz_fix] = a->n;
    emit(a, HALT);
    a->code[call_fix] = a->n; /* sub: acc *= i */
    emit(a, LOAD); emit(a, 1); emit(a, LOAD); emit(a, 0); emit(a, MUL); emit(a, STORE); emit(a, 1); emit(a, RET);
}

/* collatz lengths for n = 1..N, summing steps; prints the total and max */
static void build_collatz(struct asmb *a, int64_t limit) {
    a->n = 0;
    /* mem0 n, mem1 x, mem2 steps, mem3 total, mem4 max */
    emit(a, PUSH); emit(a, 1); emit(a, STORE); emit(a, 0);
    int outer = a->n;
    emit(a, LOAD); emit(a, 0); emit(a, PUSH); emit(a, limit); emit(a, LT);
    emit(a, JZ); int done_fix = emit(a, 0);
    emit(a, LOAD); emit(a, 0); emit(a, STORE); emit(a, 1);
    emit(a, PUSH); emit(a, 0); emit(a, STORE); emit(a, 2);
    int inner = a->n;
    emit(a, LOAD); emit(a, 1); emit(a, PUSH); emit(a, 1); emit(a, EQ);
    emit(a, JNZ); int inner_done_fix = emit(a, 0);
    emit(a, LOAD); emit(a, 1); emit(a, PUSH); emit(a, 2); emit(a, MOD);
    emit(a, JZ); int even_fix = emit(a, 0);
    emit(a, LOAD); emit(a, 1); emit(a, PUSH); emit(a, 3); emit(a, MUL); emit(a, PUSH); emit(a, 1); emit(a, ADD);
    emit(a, JMP); int store_fix = emit(a, 0);
    a->code[even_fix] = a->n;
    emit(a, LOAD); emit(a, 1); emit(a, PUSH); emit(a, 1); emit(a, SHR);
    a->code[store_fix] = a->n;
    emit(a, STORE); emit(a, 1);
    emit(a, LOAD); emit(a, 2); emit(a, PUSH); emit(a, 1); emit(a, ADD); emit(a, STORE); emit(a, 2);
    emit(a, JMP); emit(a, inner);
    a->code[inner_done_fix] = a->n;
    emit(a, LOAD); emit(a, 3); emit(a, LOAD); emit(a, 2); emit(a, ADD); emit(a, STORE); emit(a, 3);
    emit(a, LOAD); emit(a, 4); emit(a, LOAD); emit(a, 2); emit(a, LT);
    emit(a, JZ); int nomax_fix = emit(a, 0);
    emit(a, LOAD); emit(a, 2); emit(a, STORE); emit(a, 4);
    a->code[nomax_fix] = a->n;
    emit(a, LOAD); emit(a, 0); emit(a, PUSH); emit(a, 1); emit(a, ADD); emit(a, STORE); emit(a, 0);
    emit(a, JMP); emit(a, outer);
    a->code[done_fix] = a->n;
    emit(a, LOAD); emit(a, 3); emit(a, PRINT); emit(a, LOAD); emit(a, 4); emit(a, PRINT);
    emit(a, PUSH); emit(a, -5); emit(a, NEG); emit(a, PUSH); emit(a, 0x55); emit(a, XOR); emit(a, PUSH); emit(a, 3);
    emit(a, SHL); emit(a, DUP); emit(a, OVER); emit(a, ADD); emit(a, SWAP); emit(a, SUB); emit(a, PUSH); emit(a, 7);
    emit(a, DIV); emit(a, PRINT); emit(a, NOP); emit(a, PUSH); emit(a, 9); emit(a, POP); emit(a, HALT);
}

typedef void (*runner)(struct vm *);

int main(void) {
    struct asmb a;
    const runner runners[3] = {run_switch, run_table, run_goto};
    const char *rn[3] = {"switch", "fnptr", "goto"};
    for (int p = 0; p < 2; p++) {
        if (p == 0) build_fact(&a); else build_collatz(&a, 1500);
        printf("program %d: %d words, first op %s\n", p, a.n, names[a.code[0]]);
        for (int r = 0; r < 3; r++) {
            struct vm m;
            memset(&m, 0, sizeof m);
            m.code = a.code;
            m.quiet = !(p == 0 && r == 0) && !(p == 1);
            if (p == 1 && r > 0) m.quiet = 1;
            runners[r](&m);
            printf(" %-6s steps=%ld sp=%d out_hash=%016llx\n", rn[r], m.steps, m.sp, (unsigned long long)m.out_hash);
        }
    }
    return 0;
}
