/* lifetui's C runtime: a packed torus of 64-cell words and the generation loop around one kernel.
 *
 * The part before this file defines the kernel, either
 *   lifetui_kernel(nw, n, ne, w, c, e, sw, s, se): the next state of 64 cells from their nine
 *     neighbourhood words (the c engine: a compiled circuit), or, with LIFETUI_ROW_SUMS defined,
 *   lifetui_rows(up0, up1, mid0, mid1, down0, down1, centre): the next state from each row's
 *     horizontal three-cell sums as two bit planes (the bitsliced engine: the sums of a row are
 *     computed once and shared by the three rows that read them).
 *
 * Board layout: `height` rows of `words` uint64 each; cell x of a row is bit x % 64 of word x / 64.
 * Bits past `width` in a row's last word are always zero. The torus wraps in both directions, for
 * any width: the last, partial word's top cell is the west neighbour of cell 0 and vice versa.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t *west; /* each cell's west neighbour, word-aligned with the row */
    uint64_t *east;
#ifdef LIFETUI_ROW_SUMS
    uint64_t *sum0; /* bit planes of west + centre + east */
    uint64_t *sum1;
#endif
} shifted_row;

static void shift_row(const uint64_t *row, shifted_row *out, long words, int last_bits) {
    uint64_t wrap_west = (row[words - 1] >> (last_bits - 1)) & 1; /* cell width-1 */
    uint64_t wrap_east = row[0] & 1;                              /* cell 0 */
    for (long i = 0; i < words; i++) {
        uint64_t carry_west = i > 0 ? row[i - 1] >> 63 : wrap_west;
        out->west[i] = (row[i] << 1) | carry_west;
        if (i < words - 1) {
            out->east[i] = (row[i] >> 1) | (row[i + 1] << 63);
        } else {
            out->east[i] = (row[i] >> 1) | (wrap_east << (last_bits - 1));
        }
    }
#ifdef LIFETUI_ROW_SUMS
    for (long i = 0; i < words; i++) {
        uint64_t w = out->west[i], c = row[i], e = out->east[i];
        uint64_t half = w ^ c;
        out->sum0[i] = half ^ e;
        out->sum1[i] = (w & c) | (half & e);
    }
#endif
}

/* Advance the board `generations` steps; `scratch` is a second board of the same size.
 * Returns 0, or -1 when memory for the row buffers cannot be had. */
int lifetui_step(uint64_t *board, uint64_t *scratch, long height, long width, long generations) {
    long words = (width + 63) / 64;
    int last_bits = (int)(width - 64 * (words - 1));
    uint64_t last_mask = last_bits == 64 ? ~(uint64_t)0 : (((uint64_t)1 << last_bits) - 1);
#ifdef LIFETUI_ROW_SUMS
    const int planes = 4;
#else
    const int planes = 2;
#endif
    uint64_t *buffer = malloc(sizeof(uint64_t) * (size_t)(3 * planes * words));
    if (!buffer) return -1;
    shifted_row rows[3];
    for (int k = 0; k < 3; k++) {
        rows[k].west = buffer + (size_t)(k * planes + 0) * words;
        rows[k].east = buffer + (size_t)(k * planes + 1) * words;
#ifdef LIFETUI_ROW_SUMS
        rows[k].sum0 = buffer + (size_t)(k * planes + 2) * words;
        rows[k].sum1 = buffer + (size_t)(k * planes + 3) * words;
#endif
    }
    uint64_t *current = board, *next = scratch;
    for (long g = 0; g < generations; g++) {
        /* rows[(r + 2) % 3] holds row r - 1, rows[r % 3] row r, rows[(r + 1) % 3] row r + 1. */
        shift_row(current + (height - 1) * words, &rows[2], words, last_bits);
        shift_row(current, &rows[0], words, last_bits);
        for (long r = 0; r < height; r++) {
            long below = r + 1 == height ? 0 : r + 1;
            shifted_row *up = &rows[(r + 2) % 3], *mid = &rows[r % 3], *down = &rows[(r + 1) % 3];
            shift_row(current + below * words, down, words, last_bits);
            const uint64_t *above_row = current + (r == 0 ? height - 1 : r - 1) * words;
            const uint64_t *row = current + r * words;
            const uint64_t *below_row = current + below * words;
            uint64_t *out = next + r * words;
            for (long i = 0; i < words; i++) {
#ifdef LIFETUI_ROW_SUMS
                (void)above_row;
                (void)below_row;
                out[i] = lifetui_rows(up->sum0[i], up->sum1[i], mid->sum0[i], mid->sum1[i],
                                      down->sum0[i], down->sum1[i], row[i]);
#else
                out[i] = lifetui_kernel(up->west[i], above_row[i], up->east[i],
                                        mid->west[i], row[i], mid->east[i],
                                        down->west[i], below_row[i], down->east[i]);
#endif
            }
            out[words - 1] &= last_mask;
        }
        uint64_t *swap = current;
        current = next;
        next = swap;
    }
    if (current != board) memcpy(board, current, sizeof(uint64_t) * (size_t)(height * words));
    free(buffer);
    return 0;
}
