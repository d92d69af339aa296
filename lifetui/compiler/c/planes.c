/* lifetui's C runtime for multi-state rules: a torus of cells of several bits, held as bit planes.
 *
 * The part before this file defines lifetui_word (LIFETUI_LANES words of 64 cells side by side),
 * LIFETUI_PLANES (bits of a cell's state) and either lifetui_next(in, out): from the 9 x LIFETUI_PLANES
 * neighbourhood words in[9 * p + k] (bit plane p of the cell NW N NE W C E SW S SE[k]), the next
 * state's bit planes out[p] (a compiled circuit per bit, -O0 to -O2); or, with LIFETUI_ROW_SUMS defined
 * (the -O3 stencil), lifetui_on(state): the on plane of a word's cells from their state bits
 * state[p]; lifetui_row(west, centre, east, &pair0, &pair1, &sum0, &sum1): a row's sums of that plane,
 * as the two-state runtime's; and lifetui_rows(up0, up1, mid0, mid1, down0, down1, on, state, out): the
 * next state's bit planes from the sums of the rows above and below, the pair of the middle row, the
 * centre's on plane and its state bits. With LIFETUI_NEAR defined too (History's stencil), lifetui_near(state)
 * gives a word's boundary plane, the runtime ORs each row's west, centre and east cells of it once, shares that
 * between the three rows that read it as it does the sums, and passes the OR of the three rows' (whether any of
 * the nine cells is the boundary) to lifetui_rows(..., state, near, out).
 *
 * words.c, just before this file, gives lifetui_stride, load and store.
 *
 * Board layout: LIFETUI_PLANES planes one after the other, each `height` rows of lifetui_stride(width)
 * words, the runtime's row layout (runtime.c): cell x of a row is bit x % 64 of word 1 + x / 64, bits
 * past `width` zero, word 0 and the words after the cells padding. Plane p holds bit p of every cell's
 * state. Before a generation each row's padding is set so that shifts wrap round the torus: bit 63 of
 * word 0 is the row's last cell, and the bit just past the last cell is its first. The rows wrap by
 * index. A generation writes the planes of the next state to the other of `board` and `scratch`, and
 * after an odd number of them the last is copied back to `board`, its padding cleared. Threads each take
 * a band of rows (started for the call, they meet at a barrier after each generation: the rows either
 * side of a band are its neighbours'). The circuits read every plane's three rows for each strip of
 * words; the stencil walks a strip of words down a band's rows, computing each row's on plane and its
 * sums once and keeping them in registers for the three rows that read them, as the two-state runtime
 * does. Its on plane of the words either side of a strip (for the bits shifted in at its edges) is
 * computed again there: the on plane costs at most a few operations, and a word of it is never stored.
 * Unlike runtime.c there is no thread pool and no temporal blocking: a call with threads pays for
 * starting them.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if !defined(LIFETUI_LANES) || !defined(LIFETUI_PLANES)
#error "the code before the runtime defines lifetui_word, LIFETUI_LANES, LIFETUI_PLANES and its step functions"
#endif

/* A row's padding cleared, as lifetui reads boards: word 0, the bits past the last cell and the words after. */
static void clean_row(uint64_t *row, long words, int last_bits, long stride) {
    if (last_bits < 64) row[words] &= ((uint64_t)1 << last_bits) - 1;
    row[0] = 0;
    for (long k = words + 1; k < stride; k++) row[k] = 0;
}

/* The padding that makes a row wrap: the last cell west of the first, the first east of the last. */
static void wrap_row(uint64_t *row, long words, int last_bits, long stride) {
    for (long k = words + 1; k < stride; k++) row[k] = 0;
    row[0] = ((row[words] >> (last_bits - 1)) & 1) << 63;
    if (last_bits < 64)
        row[words] |= (row[1] & 1) << last_bits;
    else
        row[words + 1] = row[1] & 1;
}

#ifdef LIFETUI_ROW_SUMS
typedef struct {
    lifetui_word pair0, pair1, sum0, sum1, on;
#ifdef LIFETUI_NEAR
    lifetui_word near; /* the boundary plane's west | centre | east */
#endif
} row_sums;

/* The on plane of words [k, k + LIFETUI_LANES) of a row (`row` its first plane's words) and its sums. */
static inline __attribute__((always_inline)) row_sums sums_of(const uint64_t *row, long plane, long k) {
    lifetui_word before[LIFETUI_PLANES], centre[LIFETUI_PLANES], after[LIFETUI_PLANES];
    for (int p = 0; p < LIFETUI_PLANES; p++) {
        before[p] = load(row + p * plane + k);
        centre[p] = load(row + p * plane + k + 1);
        after[p] = load(row + p * plane + k + 2);
    }
    lifetui_word on = lifetui_on(centre);
    lifetui_word west = (on << 1) | (lifetui_on(before) >> 63), east = (on >> 1) | (lifetui_on(after) << 63);
    row_sums sums;
    lifetui_row(west, on, east, &sums.pair0, &sums.pair1, &sums.sum0, &sums.sum1);
    sums.on = on;
#ifdef LIFETUI_NEAR
    lifetui_word near = lifetui_near(centre);
    sums.near = ((near << 1) | (lifetui_near(before) >> 63)) | near | ((near >> 1) | (lifetui_near(after) << 63));
#endif
    return sums;
}

/* One generation of words [k, k + LIFETUI_LANES) of rows [first, last) of `board`, written to `scratch`. */
static void step_strip(const uint64_t *board, uint64_t *scratch, long height, long stride, long plane, long k,
                       long first, long last) {
    row_sums up = sums_of(board + (first + height - 1) % height * stride, plane, k);
    row_sums mid = sums_of(board + first * stride, plane, k);
    for (long r = first; r < last; r++) {
        row_sums down = sums_of(board + (r + 1) % height * stride, plane, k);
        lifetui_word state[LIFETUI_PLANES], out[LIFETUI_PLANES];
        for (int p = 0; p < LIFETUI_PLANES; p++) state[p] = load(board + p * plane + r * stride + k + 1);
#ifdef LIFETUI_NEAR
        lifetui_rows(up.sum0, up.sum1, mid.pair0, mid.pair1, down.sum0, down.sum1, mid.on, state,
                     up.near | mid.near | down.near, out);
#else
        lifetui_rows(up.sum0, up.sum1, mid.pair0, mid.pair1, down.sum0, down.sum1, mid.on, state, out);
#endif
        for (int p = 0; p < LIFETUI_PLANES; p++) store(scratch + p * plane + r * stride + k + 1, out[p]);
        up = mid;
        mid = down;
    }
}
#else
/* One generation of words [k, k + LIFETUI_LANES) of rows [first, last) of `board`, written to `scratch`. */
static void step_strip(const uint64_t *board, uint64_t *scratch, long height, long stride, long plane, long k,
                       long first, long last) {
    for (long r = first; r < last; r++) {
        long rows[3] = {(r + height - 1) % height, r, (r + 1) % height};
        lifetui_word in[9 * LIFETUI_PLANES], out[LIFETUI_PLANES];
        for (int p = 0; p < LIFETUI_PLANES; p++)
            for (int dy = 0; dy < 3; dy++) {
                const uint64_t *row = board + p * plane + rows[dy] * stride;
                lifetui_word before = load(row + k), centre = load(row + k + 1), after = load(row + k + 2);
                in[9 * p + 3 * dy] = (centre << 1) | (before >> 63);    /* west: cell x - 1 */
                in[9 * p + 3 * dy + 1] = centre;
                in[9 * p + 3 * dy + 2] = (centre >> 1) | (after << 63); /* east: cell x + 1 */
            }
        lifetui_next(in, out);
        for (int p = 0; p < LIFETUI_PLANES; p++) store(scratch + p * plane + r * stride + k + 1, out[p]);
    }
}
#endif

/* A barrier for the threads of one call: each generation reads the rows its neighbours wrote in the last. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t turned;
    int count, waiting, cancelled;
    unsigned long turn;
} barrier;

static void barrier_wait(barrier *b) {
    pthread_mutex_lock(&b->lock);
    unsigned long turn = b->turn;
    if (++b->waiting >= b->count) {
        b->waiting = 0;
        b->turn++;
        pthread_cond_broadcast(&b->turned);
    } else {
        while (turn == b->turn) pthread_cond_wait(&b->turned, &b->lock);
    }
    pthread_mutex_unlock(&b->lock);
}

/* One thread's share of a call: rows [first, last) of every plane, for every generation. */
typedef struct {
    uint64_t *board, *scratch;
    long height, width, generations, first, last;
    barrier *sync; /* NULL for a single thread */
} planes_job;

static void run_job(const planes_job *job) {
    long height = job->height, width = job->width, first = job->first, last = job->last;
    long words = (width + 63) / 64, stride = lifetui_stride(width), plane = height * stride;
    int last_bits = (int)(width - 64 * (words - 1));
    for (int p = 0; p < LIFETUI_PLANES; p++)
        for (long r = first; r < last; r++) wrap_row(job->board + p * plane + r * stride, words, last_bits, stride);
    if (job->sync) {
        barrier_wait(job->sync); /* every row wrapped; or the call was cancelled */
        if (job->sync->cancelled) return;
    }
    uint64_t *current = job->board, *next = job->scratch;
    for (long generation = 0; generation < job->generations; generation++) {
        for (long k = 0; k < words; k += LIFETUI_LANES) step_strip(current, next, height, stride, plane, k, first, last);
        /* The rows just written, made ready for the next generation (wrapped), or after the last (clean). */
        for (int p = 0; p < LIFETUI_PLANES; p++)
            for (long r = first; r < last; r++) {
                uint64_t *row = next + p * plane + r * stride;
                clean_row(row, words, last_bits, stride);
                if (generation + 1 < job->generations) wrap_row(row, words, last_bits, stride);
            }
        if (job->sync) barrier_wait(job->sync);
        uint64_t *stepped = next;
        next = current;
        current = stepped;
    }
    if (current != job->board)
        for (int p = 0; p < LIFETUI_PLANES; p++)
            memcpy(job->board + p * plane + first * stride, current + p * plane + first * stride,
                   sizeof(uint64_t) * (size_t)((last - first) * stride));
}

static void *run_thread(void *job) {
    run_job(job);
    return NULL;
}

/* Advance the board `generations` steps with `threads` threads (each its band of rows, meeting after every
 * generation); `scratch` is a second board of the same shape. Returns 0, or 1 when the threads cannot be had
 * (the board is then unchanged). */
int lifetui_step_planes(uint64_t *board, uint64_t *scratch, long height, long width, long generations, int threads) {
    if (generations < 1) return 0;
    if (threads > height) threads = (int)height;
    if (threads <= 1) {
        planes_job job = {board, scratch, height, width, generations, 0, height, NULL};
        run_job(&job);
        return 0;
    }
    planes_job *jobs = malloc(sizeof(planes_job) * (size_t)threads);
    pthread_t *workers = malloc(sizeof(pthread_t) * (size_t)threads);
    if (!jobs || !workers) {
        free(jobs);
        free(workers);
        return 1;
    }
    barrier sync = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, threads, 0, 0, 0};
    for (int t = 0; t < threads; t++)
        jobs[t] = (planes_job){board, scratch, height, width, generations, height * t / threads,
                               height * (t + 1) / threads, &sync};
    int started = 1;
    for (; started < threads; started++)
        if (pthread_create(&workers[started], NULL, run_thread, &jobs[started]) != 0) break;
    if (started < threads) {
        /* The threads started wait at the first barrier: they and this one meet there, and all stop. */
        pthread_mutex_lock(&sync.lock);
        sync.count = started;
        sync.cancelled = 1;
        pthread_mutex_unlock(&sync.lock);
    }
    run_job(&jobs[0]);
    for (int t = 1; t < started; t++) pthread_join(workers[t], NULL);
    if (started < threads) {
        long words = (width + 63) / 64, stride = lifetui_stride(width);
        for (long r = 0; r < LIFETUI_PLANES * height; r++)
            clean_row(board + r * stride, words, (int)(width - 64 * (words - 1)), stride);
    }
    free(jobs);
    free(workers);
    return started < threads;
}
