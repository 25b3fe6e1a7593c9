/* fp.S - F and D extensions: fadd/fmul/fdiv/fsqrt and fused multiply-add
 * result bits, exception flags (NX, DZ, NV, OF, UF), fcvt saturation to the
 * integer range (incl. NaN and infinities), NaN-boxing of single values
 * (fmv.w.x / flw / arithmetic results read back with fmv.x.d as
 * 0xffffffff_xxxxxxxx, an unboxed input treated as the canonical NaN),
 * dynamic rounding through frm vs static rounding modes, min/max, compares,
 * fclass, sign injection and fld/fsd keeping NaN payloads. */
#include "bare.h"

#define LD_D(freg, bits)  li t0, bits; fmv.d.x freg, t0
#define LD_S(freg, bits)  li t0, bits; fmv.w.x freg, t0

#define D_1     0x3ff0000000000000
#define D_2     0x4000000000000000
#define D_3     0x4008000000000000
#define D_M1    0xbff0000000000000
#define D_M2    0xc000000000000000
#define D_2_5   0x4004000000000000
#define D_M2_5  0xc004000000000000
#define D_QNAN  0x7ff8000000000000
#define D_SNAN  0x7ff0000000000001
#define D_INF   0x7ff0000000000000
#define D_MINF  0xfff0000000000000
#define S_1     0x3f800000
#define S_3     0x40400000
#define S_QNAN  0x7fc00000

#define NV 0x10
#define DZ 0x08
#define OF 0x04
#define UF 0x02
#define NX 0x01

BARE_START
    /* --- basic arithmetic --------------------------------------------------------- */
    LD_S(ft0, 0x3fc00000)           /* 1.5f */
    LD_S(ft1, 0x40100000)           /* 2.25f */
    fadd.s ft2, ft0, ft1
    CHECK_FBITS_S(1, ft2, 0x40700000)   /* 3.75f */
    CHECK_FFLAGS(2, 0)              /* exact */

    LD_D(ft0, 0x3fb999999999999a)   /* 0.1 */
    LD_D(ft1, 0x3fc999999999999a)   /* 0.2 */
    fadd.d ft2, ft0, ft1
    CHECK_FBITS_D(3, ft2, 0x3fd3333333333334)
    CHECK_FFLAGS(4, NX)

    LD_D(ft0, 0x3ff8000000000000)   /* 1.5 */
    LD_D(ft1, D_M2)
    fmul.d ft2, ft0, ft1
    CHECK_FBITS_D(5, ft2, 0xc008000000000000)  /* -3.0 */
    fsub.d ft2, ft0, ft1
    CHECK_FBITS_D(6, ft2, 0x400c000000000000)  /* 3.5 */
    CHECK_FFLAGS(7, 0)

    LD_S(ft0, S_1)
    LD_S(ft1, S_3)
    fdiv.s ft2, ft0, ft1
    CHECK_FBITS_S(8, ft2, 0x3eaaaaab)
    CHECK_FFLAGS(9, NX)
    LD_D(ft0, D_1)
    LD_D(ft1, D_3)
    fdiv.d ft2, ft0, ft1
    CHECK_FBITS_D(10, ft2, 0x3fd5555555555555)
    CHECK_FFLAGS(11, NX)

    fmv.d.x ft1, zero
    fdiv.d ft2, ft0, ft1            /* 1 / +0 */
    CHECK_FBITS_D(12, ft2, D_INF)
    CHECK_FFLAGS(13, DZ)

    LD_D(ft0, D_2)
    fsqrt.d ft2, ft0
    CHECK_FBITS_D(14, ft2, 0x3ff6a09e667f3bcd)
    CHECK_FFLAGS(15, NX)
    LD_S(ft0, 0x40000000)
    fsqrt.s ft2, ft0
    CHECK_FBITS_S(16, ft2, 0x3fb504f3)
    CHECK_FFLAGS(17, NX)
    LD_D(ft0, 0x4010000000000000)   /* 4.0 */
    fsqrt.d ft2, ft0
    CHECK_FBITS_D(18, ft2, D_2)
    CHECK_FFLAGS(19, 0)
    LD_D(ft0, D_M1)
    fsqrt.d ft2, ft0
    CHECK_FBITS_D(20, ft2, D_QNAN)  /* canonical NaN */
    CHECK_FFLAGS(21, NV)

    LD_D(ft0, 0x7fe1ccf385ebc8a0)   /* 1e308 */
    LD_D(ft1, 0x4024000000000000)   /* 10 */
    fmul.d ft2, ft0, ft1
    CHECK_FBITS_D(22, ft2, D_INF)
    CHECK_FFLAGS(23, OF | NX)
    LD_D(ft0, 0x01a56e1fc2f8f359)   /* 1e-300 */
    fmul.d ft2, ft0, ft0
    CHECK_FBITS_D(24, ft2, 0)
    CHECK_FFLAGS(25, UF | NX)

    /* fused multiply-add: a*a - round(a*a) is the exact rounding error */
    LD_D(ft0, 0x3ff0000000400000)   /* 1 + 2^-30 */
    LD_D(ft1, 0xbff0000000800000)   /* -(1 + 2^-29) */
    fmadd.d ft2, ft0, ft0, ft1
    CHECK_FBITS_D(26, ft2, 0x3c30000000000000)  /* 2^-60, not 0 */
    LD_D(ft0, D_2)
    LD_D(ft1, D_3)
    LD_D(ft3, D_1)
    fmadd.d  ft2, ft0, ft1, ft3
    CHECK_FBITS_D(27, ft2, 0x401c000000000000)  /*  7 */
    fmsub.d  ft2, ft0, ft1, ft3
    CHECK_FBITS_D(28, ft2, 0x4014000000000000)  /*  5 */
    fnmadd.d ft2, ft0, ft1, ft3
    CHECK_FBITS_D(29, ft2, 0xc01c000000000000)  /* -7 */
    fnmsub.d ft2, ft0, ft1, ft3
    CHECK_FBITS_D(30, ft2, 0xc014000000000000)  /* -5 */
    CHECK_FFLAGS(31, 0)

    /* --- fcvt to integer saturates, NV set ----------------------------------------------- */
#define CVT(n, op, in, out, flags)   \
    LD_D(ft0, in);                   \
    op   a0, ft0, rtz;               \
    CHECK(n, a0, out)                \
    CHECK_FFLAGS((n) + 1, flags)

    CVT(32, fcvt.w.d,  0x4202a05f20000000, 0x7fffffff, NV)          /*  1e10 */
    CVT(34, fcvt.w.d,  0xc202a05f20000000, 0xffffffff80000000, NV)  /* -1e10 */
    CVT(36, fcvt.w.d,  D_QNAN, 0x7fffffff, NV)
    CVT(38, fcvt.w.d,  D_MINF, 0xffffffff80000000, NV)
    CVT(40, fcvt.w.d,  0xc1e0000000000000, 0xffffffff80000000, 0)   /* -2^31 exact */
    CVT(42, fcvt.w.d,  0x41dfffffffe00000, 0x7fffffff, NX)          /* 2^31 - 0.5 */
    CVT(44, fcvt.wu.d, D_M1, 0, NV)
    CVT(46, fcvt.wu.d, 0x4415af1d78b58c40, 0xffffffffffffffff, NV)  /* 1e20: sign-extended UINT32_MAX */
    CVT(48, fcvt.wu.d, 0xbfe0000000000000, 0, NX)                   /* -0.5 rounds to 0: in range */
    CVT(50, fcvt.l.d,  0x43e158e460913d00, 0x7fffffffffffffff, NV)  /* 1e19 */
    CVT(52, fcvt.l.d,  D_MINF, 0x8000000000000000, NV)
    CVT(54, fcvt.l.d,  D_QNAN, 0x7fffffffffffffff, NV)
    CVT(56, fcvt.lu.d, 0xc014000000000000, 0, NV)                   /* -5 */
    CVT(58, fcvt.lu.d, D_QNAN, 0xffffffffffffffff, NV)
    CVT(60, fcvt.lu.d, D_INF, 0xffffffffffffffff, NV)
    LD_S(ft0, 0x4f32d05e)           /* 3e9f */
    fcvt.w.s a0, ft0, rtz
    CHECK(62, a0, 0x7fffffff)
    CHECK_FFLAGS(63, NV)

    /* --- NaN-boxing ------------------------------------------------------------------------- */
    li   a0, S_1
    fmv.w.x ft0, a0
    fmv.x.d a1, ft0
    CHECK(64, a1, 0xffffffff3f800000)
    la   s0, fdata
    flw  ft1, 0(s0)                 /* 0x40490fdb (pi) */
    fmv.x.d a1, ft1
    CHECK(65, a1, 0xffffffff40490fdb)
    fadd.s ft2, ft0, ft0
    fmv.x.d a1, ft2
    CHECK(66, a1, 0xffffffff40000000)
    LD_D(ft3, 0x3fb999999999999a)
    fcvt.s.d ft4, ft3               /* 0.1 -> 0.1f */
    fmv.x.d a1, ft4
    CHECK(67, a1, 0xffffffff3dcccccd)
    CHECK_FFLAGS(68, NX)
    /* an unboxed value is the canonical NaN to single-precision operations */
    li   a0, 0x000000003f800000
    fmv.d.x ft5, a0
    fadd.s ft6, ft5, ft0
    fmv.x.d a1, ft6
    CHECK(69, a1, 0xffffffff7fc00000)
    fclass.s a1, ft5
    CHECK(70, a1, 0x200)            /* quiet NaN */
    fmv.x.w a1, ft5                 /* fmv.x.w just moves the low 32 bits */
    CHECK(71, a1, 0x3f800000)
    fmv.x.w a1, ft1                 /* ... sign-extended */
    CHECK(72, a1, 0x40490fdb)
    li   a0, 0x80000000
    fmv.w.x ft7, a0
    fmv.x.w a1, ft7
    CHECK(73, a1, 0xffffffff80000000)
    fsw  ft1, 8(s0)                 /* fsw stores 32 bits only */
    ld   a1, 8(s0)
    CHECK(74, a1, 0xaaaaaaaa40490fdb)
    fld  ft8, 16(s0)                /* fld/fsd move a signaling NaN unchanged */
    fsd  ft8, 24(s0)
    ld   a1, 24(s0)
    CHECK(75, a1, D_SNAN)
    CHECK_FFLAGS(76, 0)

    /* --- rounding modes ----------------------------------------------------------------------- */
    /* static rm */
    LD_D(ft0, D_2_5)
    fcvt.w.d a0, ft0, rne
    CHECK(77, a0, 2)
    fcvt.w.d a0, ft0, rmm
    CHECK(78, a0, 3)
    fcvt.w.d a0, ft0, rup
    CHECK(79, a0, 3)
    LD_D(ft1, D_M2_5)
    fcvt.w.d a0, ft1, rdn
    CHECK(80, a0, -3)
    fcvt.w.d a0, ft1, rtz
    CHECK(81, a0, -2)
    /* dynamic rm from frm */
    fsrmi 2                         /* RDN */
    fcvt.w.d a0, ft0, dyn
    CHECK(82, a0, 2)
    fcvt.w.d a0, ft1, dyn
    CHECK(83, a0, -3)
    fsrmi 3                         /* RUP */
    fcvt.w.d a0, ft0, dyn
    CHECK(84, a0, 3)
    fcvt.w.d a0, ft1, dyn
    CHECK(85, a0, -2)
    fcvt.w.d a0, ft0, rtz           /* a static mode wins over frm */
    CHECK(86, a0, 2)
    fsrmi 4                         /* RMM */
    fcvt.w.d a0, ft1, dyn
    CHECK(87, a0, -3)
    fsrmi 1                         /* RTZ */
    fcvt.w.d a0, ft0, dyn
    CHECK(88, a0, 2)
    /* arithmetic uses frm too: 1/3 rounded down and up */
    LD_S(ft2, S_1)
    LD_S(ft3, S_3)
    fsrmi 2                         /* RDN */
    fdiv.s ft4, ft2, ft3, dyn
    CHECK_FBITS_S(89, ft4, 0x3eaaaaaa)
    fsrmi 3                         /* RUP */
    fdiv.s ft4, ft2, ft3, dyn
    CHECK_FBITS_S(90, ft4, 0x3eaaaaab)
    fsrmi 0                         /* RNE */
    fdiv.s ft4, ft2, ft3            /* assembler default rm = dyn */
    CHECK_FBITS_S(91, ft4, 0x3eaaaaab)
    CHECK_FFLAGS(92, NX)

    /* --- integer to float ---------------------------------------------------------------------- */
    li   a0, -5
    fcvt.d.w ft0, a0
    CHECK_FBITS_D(93, ft0, 0xc014000000000000)
    li   a0, -1
    fcvt.d.lu ft0, a0
    CHECK_FBITS_D(94, ft0, 0x43f0000000000000)  /* 2^64 */
    CHECK_FFLAGS(95, NX)
    li   a0, 16777217
    fcvt.s.l ft0, a0                /* tie -> even */
    CHECK_FBITS_S(96, ft0, 0x4b800000)
    CHECK_FFLAGS(97, NX)
    li   a0, 0xffffffff00000007     /* fcvt.d.wu reads only the low word */
    fcvt.d.wu ft0, a0
    CHECK_FBITS_D(98, ft0, 0x401c000000000000)
    LD_S(ft1, 0x3dcccccd)
    fcvt.d.s ft0, ft1               /* widening is exact */
    CHECK_FBITS_D(99, ft0, 0x3fb99999a0000000)
    CHECK_FFLAGS(100, 0)

    /* --- min / max / compare / classify / sign injection ------------------------------------------ */
    LD_D(ft0, D_QNAN)
    LD_D(ft1, D_1)
    fmin.d ft2, ft0, ft1
    CHECK_FBITS_D(101, ft2, D_1)    /* a single NaN operand is ignored */
    fmax.d ft2, ft0, ft0
    CHECK_FBITS_D(102, ft2, D_QNAN)
    CHECK_FFLAGS(103, 0)
    LD_D(ft3, D_SNAN)
    fmax.d ft2, ft3, ft1
    CHECK_FBITS_D(104, ft2, D_1)
    CHECK_FFLAGS(105, NV)           /* signaling NaN */
    LD_D(ft4, 0x8000000000000000)   /* -0 */
    fmv.d.x ft5, zero               /* +0 */
    fmin.d ft2, ft5, ft4
    CHECK_FBITS_D(106, ft2, 0x8000000000000000)
    fmax.d ft2, ft4, ft5
    CHECK_FBITS_D(107, ft2, 0)

    LD_D(ft6, D_2)
    flt.d a0, ft1, ft6
    CHECK(108, a0, 1)
    fle.d a0, ft6, ft1
    CHECK(109, a0, 0)
    feq.d a0, ft4, ft5              /* -0 == +0 */
    CHECK(110, a0, 1)
    feq.d a0, ft0, ft0              /* quiet NaN: false, no flag */
    CHECK(111, a0, 0)
    CHECK_FFLAGS(112, 0)
    flt.d a0, ft0, ft1              /* ordered compare with NaN: NV */
    CHECK(113, a0, 0)
    CHECK_FFLAGS(114, NV)

    fclass.d a0, ft0
    CHECK(115, a0, 0x200)
    fclass.d a0, ft3
    CHECK(116, a0, 0x100)
    LD_D(ft7, D_MINF)
    fclass.d a0, ft7
    CHECK(117, a0, 0x001)
    fclass.d a0, ft4
    CHECK(118, a0, 0x008)
    fclass.d a0, ft5
    CHECK(119, a0, 0x010)
    LD_D(ft7, 0x000012688b70e62b)   /* 1e-310, subnormal */
    fclass.d a0, ft7
    CHECK(120, a0, 0x020)

    LD_D(ft8, D_M2)
    fsgnj.d  ft2, ft1, ft8
    CHECK_FBITS_D(121, ft2, D_M1)
    fsgnjn.d ft2, ft1, ft8
    CHECK_FBITS_D(122, ft2, D_1)
    LD_D(ft9, D_M1)
    fsgnjx.d ft2, ft9, ft8
    CHECK_FBITS_D(123, ft2, D_1)
    fneg.d   ft2, ft1
    CHECK_FBITS_D(124, ft2, D_M1)
    fabs.d   ft2, ft9
    CHECK_FBITS_D(125, ft2, D_1)
    fsgnj.d  ft2, ft3, ft3          /* sign injection never quiets a NaN */
    CHECK_FBITS_D(126, ft2, D_SNAN)
    CHECK_FFLAGS(127, 0)

    TEST_PASS

    .section .data
    .align 3
fdata:
    .word  0x40490fdb, 0            /*  0 */
    .dword 0xaaaaaaaaaaaaaaaa       /*  8 */
    .dword D_SNAN                   /* 16 */
    .dword 0                        /* 24 */
BARE_END
