/* The bitsliced yardstick: a hand-written Life-like kernel on 64 cells per word.
 *
 * Each row's horizontal sums (west + centre + east, as two bit planes) are computed once by the
 * runtime and shared by the three rows that read them; this kernel adds three such 2-bit sums into
 * the 4-bit count of the whole 3x3 block (centre included) with 14 operations, then decodes the
 * rule from LIFETUI_BIRTH and LIFETUI_SURVIVAL: bit k set means "born with k neighbours" and
 * "survives with k neighbours". Those two integers are the only thing lifetui defines before this.
 */
#define LIFETUI_ROW_SUMS 1

static inline uint64_t lifetui_count_is(int count, uint64_t b0, uint64_t b1, uint64_t b2, uint64_t b3) {
    return ((count & 1) ? b0 : ~b0) & ((count & 2) ? b1 : ~b1) & ((count & 4) ? b2 : ~b2) &
           ((count & 8) ? b3 : ~b3);
}

static inline uint64_t lifetui_rows(uint64_t up0, uint64_t up1, uint64_t mid0, uint64_t mid1,
                                    uint64_t down0, uint64_t down1, uint64_t centre) {
    /* Ones column: three bits into a sum and a carry of weight 2. */
    uint64_t half0 = up0 ^ mid0;
    uint64_t b0 = half0 ^ down0;
    uint64_t carry0 = (up0 & mid0) | (half0 & down0);
    /* Twos column: three bits plus that carry, into weights 2, 4 and 8. */
    uint64_t half1 = up1 ^ mid1;
    uint64_t parity1 = half1 ^ down1;
    uint64_t majority1 = (up1 & mid1) | (half1 & down1);
    uint64_t b1 = parity1 ^ carry0;
    uint64_t carry1 = parity1 & carry0;
    uint64_t b2 = majority1 ^ carry1;
    uint64_t b3 = majority1 & carry1;
    /* The block count includes the centre: a live cell with n neighbours counts n + 1. */
    uint64_t born = 0, survives = 0;
    for (int count = 0; count <= 9; count++) {
        if ((LIFETUI_BIRTH >> count) & 1) born |= lifetui_count_is(count, b0, b1, b2, b3);
        if (count >= 1 && ((LIFETUI_SURVIVAL >> (count - 1)) & 1))
            survives |= lifetui_count_is(count, b0, b1, b2, b3);
    }
    return (centre & survives) | (~centre & born);
}
