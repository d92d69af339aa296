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
#include <pthread.h>
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

/* One generation for rows [first, last) of `current` into `next`, with a private buffer of 3 shifted rows. */
static void step_band(const uint64_t *current, uint64_t *next, long height, long words, int last_bits,
                      uint64_t last_mask, long first, long last, shifted_row rows[3]) {
    /* rows[(r + 2) % 3] holds row r - 1, rows[r % 3] row r, rows[(r + 1) % 3] row r + 1. */
    shift_row(current + (first == 0 ? height - 1 : first - 1) * words, &rows[(first + 2) % 3], words, last_bits);
    shift_row(current + first * words, &rows[first % 3], words, last_bits);
    for (long r = first; r < last; r++) {
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
}

#ifdef LIFETUI_ROW_SUMS
#define LIFETUI_PLANES 4
#else
#define LIFETUI_PLANES 2
#endif

typedef struct {
    uint64_t *board, *scratch;
    long height, words, generations, first, last;
    int last_bits;
    uint64_t last_mask;
    pthread_barrier_t *barrier;
    uint64_t *buffer;
    struct start_gate *gate;
} band_job;

/* Workers wait here until every thread exists, so a failed pthread_create never strands a band at
 * the generation barrier: the gate then opens with `abandon` set and every worker returns at once. */
struct start_gate {
    pthread_mutex_t lock;
    pthread_cond_t opened;
    int open, abandon;
};

static int pass_gate(struct start_gate *gate) {
    if (!gate) return 1;
    pthread_mutex_lock(&gate->lock);
    while (!gate->open) pthread_cond_wait(&gate->opened, &gate->lock);
    int go = !gate->abandon;
    pthread_mutex_unlock(&gate->lock);
    return go;
}

static void open_gate(struct start_gate *gate, int abandon) {
    pthread_mutex_lock(&gate->lock);
    gate->open = 1;
    gate->abandon = abandon;
    pthread_cond_broadcast(&gate->opened);
    pthread_mutex_unlock(&gate->lock);
}

static void *run_band(void *argument) {
    band_job *job = argument;
    if (!pass_gate(job->gate)) return NULL;
    shifted_row rows[3];
    for (int k = 0; k < 3; k++) {
        uint64_t *base = job->buffer + (size_t)k * LIFETUI_PLANES * job->words;
        rows[k].west = base;
        rows[k].east = base + job->words;
#ifdef LIFETUI_ROW_SUMS
        rows[k].sum0 = base + 2 * job->words;
        rows[k].sum1 = base + 3 * job->words;
#endif
    }
    uint64_t *current = job->board, *next = job->scratch;
    for (long g = 0; g < job->generations; g++) {
        step_band(current, next, job->height, job->words, job->last_bits, job->last_mask, job->first, job->last, rows);
        /* Every band must finish reading `current` before any band writes it as the next `next`. */
        if (job->barrier) pthread_barrier_wait(job->barrier);
        uint64_t *swap = current;
        current = next;
        next = swap;
    }
    return NULL;
}

/* Advance the board `generations` steps with `threads` threads over bands of rows; `scratch` is a
 * second board of the same size. Returns 0, or -1 when memory or threads cannot be had. */
int lifetui_step(uint64_t *board, uint64_t *scratch, long height, long width, long generations, int threads) {
    long words = (width + 63) / 64;
    int last_bits = (int)(width - 64 * (words - 1));
    uint64_t last_mask = last_bits == 64 ? ~(uint64_t)0 : (((uint64_t)1 << last_bits) - 1);
    if (threads < 1) threads = 1;
    if (threads > height) threads = (int)height;
    uint64_t *buffer = malloc(sizeof(uint64_t) * (size_t)(3 * LIFETUI_PLANES * words * threads));
    band_job *jobs = malloc(sizeof(band_job) * (size_t)threads);
    pthread_t *workers = malloc(sizeof(pthread_t) * (size_t)threads);
    pthread_barrier_t barrier;
    struct start_gate gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
    int status = 0;
    if (!buffer || !jobs || !workers) {
        status = -1;
        goto done;
    }
    if (threads > 1 && pthread_barrier_init(&barrier, NULL, (unsigned)threads) != 0) {
        status = -1;
        goto done;
    }
    for (int t = 0; t < threads; t++) {
        jobs[t] = (band_job){board, scratch, height, words, generations, height * t / threads,
                             height * (t + 1) / threads, last_bits, last_mask, threads > 1 ? &barrier : NULL,
                             buffer + (size_t)t * 3 * LIFETUI_PLANES * words, t == 0 ? NULL : &gate};
    }
    int started = 1;
    for (; started < threads; started++) {
        if (pthread_create(&workers[started], NULL, run_band, &jobs[started]) != 0) break;
    }
    if (started < threads) {
        status = -1;
        if (threads > 1) open_gate(&gate, 1);
    } else {
        if (threads > 1) open_gate(&gate, 0);
        run_band(&jobs[0]);
    }
    for (int t = 1; t < started; t++) pthread_join(workers[t], NULL);
    if (threads > 1) pthread_barrier_destroy(&barrier);
    if (status == 0 && generations % 2 == 1) memcpy(board, scratch, sizeof(uint64_t) * (size_t)(height * words));
done:
    free(buffer);
    free(jobs);
    free(workers);
    return status;
}
