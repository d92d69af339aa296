/* The bitsliced engine's step functions, written by hand: the yardstick, on lifetui_word (a vector of
 * LIFETUI_LANES words of 64 cells).
 *
 * Each row's horizontal sums (west + centre + east, as two bit planes, lifetui_row) are computed
 * once by the runtime and shared by the three rows that read them; lifetui_rows adds three such sums into
 * the 4-bit count of the whole 3x3 block (centre included) with 14 operations, then decodes the
 * rule from LIFETUI_BIRTH and LIFETUI_SURVIVAL: bit k set means "born with k neighbours" and
 * "survives with k neighbours". Those two integers and the word type are all lifetui defines before this.
 */
#define LIFETUI_ROW_SUMS 1

static inline void lifetui_row(lifetui_word west, lifetui_word centre, lifetui_word east, lifetui_word *sum0, lifetui_word *sum1) {
    lifetui_word half = west ^ centre;
    *sum0 = half ^ east;
    *sum1 = (west & centre) | (half & east);
}

static inline lifetui_word lifetui_count_is(int count, lifetui_word b0, lifetui_word b1, lifetui_word b2, lifetui_word b3) {
    return ((count & 1) ? b0 : ~b0) & ((count & 2) ? b1 : ~b1) & ((count & 4) ? b2 : ~b2) &
           ((count & 8) ? b3 : ~b3);
}

static inline lifetui_word lifetui_rows(lifetui_word up0, lifetui_word up1, lifetui_word mid0, lifetui_word mid1,
                                    lifetui_word down0, lifetui_word down1, lifetui_word centre) {
    /* Ones column: three bits into a sum and a carry of weight 2. */
    lifetui_word half0 = up0 ^ mid0;
    lifetui_word b0 = half0 ^ down0;
    lifetui_word carry0 = (up0 & mid0) | (half0 & down0);
    /* Twos column: three bits plus that carry, into weights 2, 4 and 8. */
    lifetui_word half1 = up1 ^ mid1;
    lifetui_word parity1 = half1 ^ down1;
    lifetui_word majority1 = (up1 & mid1) | (half1 & down1);
    lifetui_word b1 = parity1 ^ carry0;
    lifetui_word carry1 = parity1 & carry0;
    lifetui_word b2 = majority1 ^ carry1;
    lifetui_word b3 = majority1 & carry1;
    /* The block count includes the centre: a live cell with n neighbours counts n + 1. Written out
     * count by count (no loop), so the compiler folds the constants and still vectorises the caller. */
    lifetui_word is[10];
    is[0] = lifetui_count_is(0, b0, b1, b2, b3);
    is[1] = lifetui_count_is(1, b0, b1, b2, b3);
    is[2] = lifetui_count_is(2, b0, b1, b2, b3);
    is[3] = lifetui_count_is(3, b0, b1, b2, b3);
    is[4] = lifetui_count_is(4, b0, b1, b2, b3);
    is[5] = lifetui_count_is(5, b0, b1, b2, b3);
    is[6] = lifetui_count_is(6, b0, b1, b2, b3);
    is[7] = lifetui_count_is(7, b0, b1, b2, b3);
    is[8] = lifetui_count_is(8, b0, b1, b2, b3);
    is[9] = lifetui_count_is(9, b0, b1, b2, b3);
#define LIFETUI_BORN(k) (((LIFETUI_BIRTH >> (k)) & 1) ? is[k] : (lifetui_word){0})
#define LIFETUI_KEPT(k) (((LIFETUI_SURVIVAL >> ((k) - 1)) & 1) ? is[k] : (lifetui_word){0})
    lifetui_word born = LIFETUI_BORN(0) | LIFETUI_BORN(1) | LIFETUI_BORN(2) | LIFETUI_BORN(3) | LIFETUI_BORN(4) |
                    LIFETUI_BORN(5) | LIFETUI_BORN(6) | LIFETUI_BORN(7) | LIFETUI_BORN(8);
    lifetui_word survives = LIFETUI_KEPT(1) | LIFETUI_KEPT(2) | LIFETUI_KEPT(3) | LIFETUI_KEPT(4) | LIFETUI_KEPT(5) |
                        LIFETUI_KEPT(6) | LIFETUI_KEPT(7) | LIFETUI_KEPT(8) | LIFETUI_KEPT(9);
#undef LIFETUI_BORN
#undef LIFETUI_KEPT
    return (centre & survives) | (~centre & born);
}
