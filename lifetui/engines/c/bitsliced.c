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

/* s ? a : b, one instruction on machines with three-input logic. */
static inline lifetui_word lifetui_mux(lifetui_word s, lifetui_word a, lifetui_word b) { return (s & a) | (~s & b); }

/* How many of three bits are set (0 to 3), told by their parity and whether they are not all equal:
 * equal and even is 0, equal and odd 3, unequal and odd 1, unequal and even 2. */
#define LIFETUI_SET(parity, unequal, when0, when1, when2, when3) \
    lifetui_mux(unequal, lifetui_mux(parity, when1, when2), lifetui_mux(parity, when3, when0))

/* Bit `count` of `table` as a word of all ones or all zeros: a constant the compiler folds. */
#define LIFETUI_BIT(table, count) ((count) <= 8 && ((table) >> (count)) & 1 ? ~(lifetui_word){0} : (lifetui_word){0})

/* The rule's value (births from `table` = LIFETUI_BIRTH, or survivals) for each neighbour count ones + 2 x
 * twos: for each count of twos, a function of the ones; then the count of twos chooses among the four.
 * Written as selections between constants, it folds to a few instructions for any rule. */
#define LIFETUI_DECODE(table, p0, u0, p1, u1) \
    LIFETUI_SET(p1, u1, \
                LIFETUI_SET(p0, u0, LIFETUI_BIT(table, 0), LIFETUI_BIT(table, 1), LIFETUI_BIT(table, 2), \
                            LIFETUI_BIT(table, 3)), \
                LIFETUI_SET(p0, u0, LIFETUI_BIT(table, 2), LIFETUI_BIT(table, 3), LIFETUI_BIT(table, 4), \
                            LIFETUI_BIT(table, 5)), \
                LIFETUI_SET(p0, u0, LIFETUI_BIT(table, 4), LIFETUI_BIT(table, 5), LIFETUI_BIT(table, 6), \
                            LIFETUI_BIT(table, 7)), \
                LIFETUI_SET(p0, u0, LIFETUI_BIT(table, 6), LIFETUI_BIT(table, 7), LIFETUI_BIT(table, 8), \
                            LIFETUI_BIT(table, 9)))

static inline lifetui_word lifetui_rows(lifetui_word up0, lifetui_word up1, lifetui_word mid0, lifetui_word mid1,
                                        lifetui_word down0, lifetui_word down1, lifetui_word centre) {
    lifetui_word upper0 = up0 ^ mid0, lower0 = mid0 ^ down0;
    lifetui_word parity0 = upper0 ^ down0, unequal0 = upper0 | lower0;
    lifetui_word upper1 = up1 ^ mid1, lower1 = mid1 ^ down1;
    lifetui_word parity1 = upper1 ^ down1, unequal1 = upper1 | lower1;
    lifetui_word born = LIFETUI_DECODE(LIFETUI_BIRTH, parity0, unequal0, parity1, unequal1);
    lifetui_word survives = LIFETUI_DECODE(LIFETUI_SURVIVAL, parity0, unequal0, parity1, unequal1);
    return lifetui_mux(centre, survives, born);
}
