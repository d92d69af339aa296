/* The bitsliced engine's step functions, written by hand: the yardstick, on lifetui_word (a vector of
 * LIFETUI_LANES words of 64 cells).
 *
 * lifetui_row adds a row's west and east cells (the pair) and its west, centre and east cells (the
 * sum), two bit planes each; the runtime computes them once per row and shares them between the three
 * rows that read them. lifetui_rows counts the neighbours: in each bit plane, three bits (the sums of
 * the rows above and below, the pair of the middle row) are compressed to their parity and whether
 * they are not all equal, which together tell how many of the three are set (ones); the neighbours
 * are ones + 2 x twos. It then decodes any Life-like rule from LIFETUI_BIRTH and LIFETUI_SURVIVAL:
 * bit k set means "born with k neighbours" and "survives with k neighbours". Those two integers and
 * the word type are all lifetui defines before this.
 */
#define LIFETUI_ROW_SUMS 1

static inline void lifetui_row(lifetui_word west, lifetui_word centre, lifetui_word east, lifetui_word *pair0,
                               lifetui_word *pair1, lifetui_word *sum0, lifetui_word *sum1) {
    *pair0 = west ^ east;
    *pair1 = west & east;
    *sum0 = *pair0 ^ centre;
    *sum1 = *pair1 | (*pair0 & centre);
}

/* Of three bits, given their parity and whether they are not all equal: how many are set is 0, 1, 2 or 3. */
static inline lifetui_word lifetui_set_is(int count, lifetui_word parity, lifetui_word unequal) {
    lifetui_word odd = (count & 1) ? parity : ~parity;
    return (count == 1 || count == 2) ? odd & unequal : odd & ~unequal;
}

static inline lifetui_word lifetui_rows(lifetui_word up0, lifetui_word up1, lifetui_word mid0, lifetui_word mid1,
                                        lifetui_word down0, lifetui_word down1, lifetui_word centre) {
    lifetui_word upper0 = up0 ^ mid0, lower0 = mid0 ^ down0;
    lifetui_word parity0 = upper0 ^ down0, unequal0 = upper0 | lower0;
    lifetui_word upper1 = up1 ^ mid1, lower1 = mid1 ^ down1;
    lifetui_word parity1 = upper1 ^ down1, unequal1 = upper1 | lower1;
    lifetui_word ones[4], twos[4];
    for (int k = 0; k < 4; k++) {
        ones[k] = lifetui_set_is(k, parity0, unequal0);
        twos[k] = lifetui_set_is(k, parity1, unequal1);
    }
    /* Written out count by count over the constants, so the compiler folds the rule away. */
    lifetui_word born = {0}, survives = {0};
    for (int k0 = 0; k0 < 4; k0++) {
        for (int k1 = 0; k1 < 4; k1++) {
            int count = k0 + 2 * k1;
            if (count > 8) continue; /* three ones and three twos cannot happen */
            if ((LIFETUI_BIRTH >> count) & 1) born |= ones[k0] & twos[k1];
            if ((LIFETUI_SURVIVAL >> count) & 1) survives |= ones[k0] & twos[k1];
        }
    }
    return (centre & survives) | (~centre & born);
}
