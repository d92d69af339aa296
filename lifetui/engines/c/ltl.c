/*
 * Larger than Life, one generation of a torus of bytes (one state a cell), with range sums that cost a cell
 * the same at range 500 as at range 1 (the Moore square, the von Neumann diamond, the Gaussian's weights) or
 * two reads a run of the shape's rows (other shapes).
 *
 * Layout: `cells` and `out` are height x width bytes, row after row; state 1 is on, 0 dead, 2..states-1
 * decaying. Columns and rows wrap. A board narrower than 2r + 1 counts a cell as often as the square covers
 * it, as a torus that small does.
 *
 * Moore (step_moore): a row of column sums, colsum[j] = the on cells of column j - r (wrapped) in the
 * 2r + 1 rows around the current row, kept for the board's columns padded r each side. Going down a row adds
 * the row that enters the square and takes away the row that leaves it (two operations a column); along the
 * row a running sum of 2r + 1 column sums moves right a cell at a time (two more). The middle cell, which the
 * square holds, is taken away again: `middle` adds it back when the rule counts it (Golly's M1).
 *
 * Von Neumann (step_diamond): the diamond's edges are diagonal segments. Over the board padded r + 2 cells
 * each way (wrapped), prefix sums along each diagonal (down-right, `main`) and each anti-diagonal (down-left,
 * `anti`) make a segment two reads. Moving right a cell, the diamond loses its two left edges and gains two right
 * ones; moving down a row (at the row's first cell), it loses its two upper edges and gains two lower ones: eight
 * reads a cell whatever r, and one diamond counted cell by cell for the whole board.
 *
 * Other shapes (step_runs): the shape as runs, (dy, first dx, last dx, weight) for each run of equal weights
 * of each of its rows (weight 1 but for Golly's weighted NW). Each board row's prefix sums over its padded
 * columns ((rows + 2r) x (width + 2r + 1) int32) of what each cell counts as (`values[state]`: 1 for state 1, or
 * NW's state weights) make a run two reads; a cell costs the shape's runs (von Neumann, circular, hexagonal: one a row, 2r + 1 in all). A triangular
 * shape has a second set, `flipped_runs`, for the cells that point down (row + column + `parity` odd): each set
 * is added to every other cell of a row, so a cell still costs its own shape's runs.
 *
 * Gaussian (step_tent): Golly's NG weighs the cell at (dx, dy) (r + 1 - |dx|) x (r + 1 - |dy|), the middle
 * (r + 1)² included: a tent each way, and a tent of 2r + 1 cells is a box of r + 1 cells run twice. Each row of
 * the band and r rows each side gets its tent along the row (two running box sums over its padded columns,
 * `across`); then, a row at a time, a box of r + 1 of those rows (`boxes`) and a running sum of r + 1 boxes
 * give the tent down the columns: four box sums a cell whatever r. The count includes the middle, so `middle`
 * adds only M.
 *
 * Threads (ltl_step): the board's rows are cut into as many bands as threads, one a thread, each band's
 * sums started afresh at its first row (the Moore column sums over the 2r + 1 rows round it, the diagonal and
 * row prefix sums over the band and r + 2 or r rows each side of it), so threads share nothing but the board
 * they read. The calling thread takes the first band; the others are started and joined each generation.
 *
 * The next state: a dead cell is born (1) on a count in `birth`; an on cell stays on on a count (plus itself
 * when `middle`) in `survival`, else decays to 2, or dies with two states; states 2..states-1 advance, the
 * last to 0. `birth` and `survival` hold an entry for every count a cell can have. Returns 0, or -1 when
 * memory ran out (the board is then unchanged).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

static inline uint8_t next_state(uint8_t state, int32_t count, int middle, const uint8_t *birth,
                                 const uint8_t *survival, int states) {
    /* A count below 0 (NW's negative weights) keeps nothing and gives no birth, as in Golly. */
    if (state == 0) return count >= 0 && birth[count];
    if (state == 1) return count + middle >= 0 && survival[count + middle] ? 1 : (states > 2 ? 2 : 0);
    return state + 1 >= states ? 0 : (uint8_t)(state + 1);
}

static inline long wrap(long i, long n) { return ((i % n) + n) % n; }

static long *padded_columns(long width, long reach) {
    long *columns = malloc(sizeof(long) * (size_t)(width + 2 * reach));
    if (!columns) return NULL;
    for (long j = 0; j < width + 2 * reach; j++) columns[j] = (((j - reach) % width) + width) % width;
    return columns;
}

static int step_moore(const uint8_t *cells, uint8_t *out, long height, long width, long reach, int middle,
                      const uint8_t *birth, const uint8_t *survival, int states, long first_row, long last_row) {
    long padded = width + 2 * reach, side = 2 * reach + 1;
    long *columns = padded_columns(width, reach);
    int32_t *colsum = calloc((size_t)padded, sizeof(int32_t));
    if (!columns || !colsum) {
        free(columns);
        free(colsum);
        return -1;
    }
    for (long dy = -reach; dy <= reach; dy++) {
        const uint8_t *row = cells + wrap(first_row + dy, height) * width;
        for (long j = 0; j < padded; j++) colsum[j] += row[columns[j]] == 1;
    }
    for (long y = first_row; y < last_row; y++) {
        const uint8_t *row = cells + y * width;
        uint8_t *next = out + y * width;
        int32_t running = 0;
        for (long j = 0; j < side; j++) running += colsum[j];
        for (long x = 0; x < width; x++) {
            next[x] = next_state(row[x], running - (row[x] == 1), middle, birth, survival, states);
            if (x + 1 < width) running += colsum[x + side] - colsum[x];
        }
        if (y + 1 == last_row) break;
        const uint8_t *entering = cells + wrap(y + reach + 1, height) * width;
        const uint8_t *leaving = cells + wrap(y - reach, height) * width;
        for (long j = 0; j < padded; j++)
            colsum[j] += (entering[columns[j]] == 1) - (leaving[columns[j]] == 1);
    }
    free(columns);
    free(colsum);
    return 0;
}

static int step_diamond(const uint8_t *cells, uint8_t *out, long height, long width, long reach, int middle,
                        const uint8_t *birth, const uint8_t *survival, int states, long first_row, long last_row) {
    long pad = reach + 2, rows = last_row - first_row + 2 * pad, columns = width + 2 * pad;
    uint8_t *on = malloc((size_t)rows * (size_t)columns);
    int32_t *main_sums = malloc(sizeof(int32_t) * (size_t)rows * (size_t)columns);
    int32_t *anti_sums = malloc(sizeof(int32_t) * (size_t)rows * (size_t)columns);
    if (!on || !main_sums || !anti_sums) {
        free(on);
        free(main_sums);
        free(anti_sums);
        return -1;
    }
    long *wrapped = padded_columns(width, pad);
    if (!wrapped) {
        free(on);
        free(main_sums);
        free(anti_sums);
        return -1;
    }
    for (long i = 0; i < rows; i++) {
        const uint8_t *row = cells + wrap(first_row + i - pad, height) * width;
        uint8_t *line = on + i * columns;
        int32_t *main_line = main_sums + i * columns, *anti_line = anti_sums + i * columns;
        for (long j = 0; j < columns; j++) line[j] = row[wrapped[j]] == 1;
        if (i == 0) {
            for (long j = 0; j < columns; j++) main_line[j] = anti_line[j] = line[j];
            continue;
        }
        main_line[0] = line[0];
        for (long j = 1; j < columns; j++) main_line[j] = line[j] + main_line[j - columns - 1];
        for (long j = 0; j + 1 < columns; j++) anti_line[j] = line[j] + anti_line[j - columns + 1];
        anti_line[columns - 1] = line[columns - 1];
    }
    free(wrapped);
#define MAIN(i, j) main_sums[(i) * columns + (j)]
#define ANTI(i, j) anti_sums[(i) * columns + (j)]
    long r = reach;
    int32_t first = 0; /* the diamond round the row's first cell */
    for (long dy = -r; dy <= r; dy++) {
        long span = r - (dy < 0 ? -dy : dy);
        for (long dx = -span; dx <= span; dx++) first += on[(pad + dy) * columns + pad + dx];
    }
    for (long y = first_row; y < last_row; y++) {
        long Y = y - first_row + pad, X = pad;
        if (y > first_row) { /* down a row from (Y - 1, X): its upper edges leave, the new lower edges enter */
            long U = Y - 1;
            first -= (ANTI(U, X - r) - ANTI(U - r - 1, X + 1)) + (MAIN(U, X + r) - MAIN(U - r, X));
            first += (MAIN(U + 1 + r, X) - MAIN(U, X - r - 1)) + (ANTI(U + r, X + 1) - ANTI(U, X + r + 1));
        }
        int32_t count = first;
        const uint8_t *row = cells + y * width;
        uint8_t *next = out + y * width;
        for (long x = 0; x < width; x++, X++) {
            next[x] = next_state(row[x], count - (row[x] == 1), middle, birth, survival, states);
            if (x + 1 == width) break;
            count -= (ANTI(Y, X - r) - ANTI(Y - r - 1, X + 1)) + (MAIN(Y + r, X) - MAIN(Y, X - r));
            count += (MAIN(Y, X + 1 + r) - MAIN(Y - r - 1, X)) + (ANTI(Y + r, X + 1) - ANTI(Y, X + r + 1));
        }
    }
#undef MAIN
#undef ANTI
    free(on);
    free(main_sums);
    free(anti_sums);
    return 0;
}

static void add_runs(int32_t *counts, const int32_t *prefix, long stride, long reach, long local_row, long width,
                     const int32_t *runs, long run_count, long first_x, long step) {
    for (long k = 0; k < run_count; k++) {
        long dy = runs[4 * k], first = runs[4 * k + 1], last = runs[4 * k + 2];
        int32_t weight = runs[4 * k + 3];
        const int32_t *sums = prefix + (local_row + reach + dy) * stride + reach;
        if (weight == 1)
            for (long x = first_x; x < width; x += step) counts[x] += sums[x + last + 1] - sums[x + first];
        else
            for (long x = first_x; x < width; x += step) counts[x] += weight * (sums[x + last + 1] - sums[x + first]);
    }
}

static int step_runs(const uint8_t *cells, uint8_t *out, long height, long width, long reach, const int32_t *runs,
                     long run_count, const int32_t *flipped_runs, long flipped_count, int parity,
                     const int32_t *values, int middle, const uint8_t *birth, const uint8_t *survival, int states,
                     long first_row, long last_row) {
    long padded = width + 2 * reach, stride = padded + 1, rows = last_row - first_row + 2 * reach;
    long *columns = padded_columns(width, reach);
    int32_t *prefix = malloc(sizeof(int32_t) * (size_t)stride * (size_t)rows);
    int32_t *counts = malloc(sizeof(int32_t) * (size_t)width);
    if (!columns || !prefix || !counts) {
        free(columns);
        free(prefix);
        free(counts);
        return -1;
    }
    for (long i = 0; i < rows; i++) { /* local row i is the board's row first_row - reach + i, wrapped */
        const uint8_t *row = cells + wrap(first_row - reach + i, height) * width;
        int32_t *sums = prefix + i * stride;
        sums[0] = 0;
        for (long j = 0; j < padded; j++) sums[j + 1] = sums[j] + values[row[columns[j]]];
    }
    for (long y = first_row; y < last_row; y++) {
        for (long x = 0; x < width; x++) counts[x] = 0;
        if (flipped_count) { /* up cells (row + column + parity even) read `runs`, down ones `flipped_runs` */
            long up = (y + parity) & 1;
            add_runs(counts, prefix, stride, reach, y - first_row, width, runs, run_count, up, 2);
            add_runs(counts, prefix, stride, reach, y - first_row, width, flipped_runs, flipped_count, 1 - up, 2);
        } else {
            add_runs(counts, prefix, stride, reach, y - first_row, width, runs, run_count, 0, 1);
        }
        const uint8_t *row = cells + y * width;
        uint8_t *next = out + y * width;
        for (long x = 0; x < width; x++) next[x] = next_state(row[x], counts[x], middle, birth, survival, states);
    }
    free(columns);
    free(prefix);
    free(counts);
    return 0;
}

/* A tent along a line: out[p] = the sum over d = -r..r of (r + 1 - |d|) in[p + r + d], for p in [0, n);
 * `in` is n + 2r long, `box` scratch of as many. */
static void tent(const int32_t *in, int32_t *out, long n, long r, int32_t *box) {
    int32_t sum = 0;
    for (long j = 0; j < n + 2 * r; j++) { /* box[j] = in[j - r] + ... + in[j] */
        sum += in[j];
        if (j > r) sum -= in[j - r - 1];
        box[j] = sum;
    }
    int32_t total = 0;
    for (long k = 0; k <= r; k++) total += box[r + k];
    for (long p = 0; p < n; p++) {
        out[p] = total;
        if (p + 1 < n) total += box[p + 2 * r + 1] - box[p + r];
    }
}

static int step_tent(const uint8_t *cells, uint8_t *out, long height, long width, long reach, int middle,
                     const uint8_t *birth, const uint8_t *survival, int states, long first_row, long last_row) {
    long r = reach, band = last_row - first_row, rows = band + 2 * r, padded = width + 2 * r;
    long *columns = padded_columns(width, r);
    int32_t *line = malloc(sizeof(int32_t) * (size_t)padded);
    int32_t *scratch = malloc(sizeof(int32_t) * (size_t)padded);
    int32_t *across = malloc(sizeof(int32_t) * (size_t)rows * (size_t)width);
    int32_t *boxes = malloc(sizeof(int32_t) * (size_t)rows * (size_t)width);
    int32_t *counts = calloc((size_t)width, sizeof(int32_t));
    if (!columns || !line || !scratch || !across || !boxes || !counts) {
        free(columns);
        free(line);
        free(scratch);
        free(across);
        free(boxes);
        free(counts);
        return -1;
    }
    for (long i = 0; i < rows; i++) { /* local row i is the board's row first_row - r + i, wrapped */
        const uint8_t *row = cells + wrap(first_row - r + i, height) * width;
        for (long j = 0; j < padded; j++) line[j] = row[columns[j]] == 1;
        tent(line, across + i * width, width, r, scratch);
    }
    for (long x = 0; x < width; x++) boxes[x] = across[x];
    for (long i = 1; i < rows; i++) { /* boxes row i: across rows i - r .. i */
        int32_t *box = boxes + i * width;
        const int32_t *previous = boxes + (i - 1) * width, *entering = across + i * width;
        if (i > r) {
            const int32_t *leaving = across + (i - r - 1) * width;
            for (long x = 0; x < width; x++) box[x] = previous[x] + entering[x] - leaving[x];
        } else {
            for (long x = 0; x < width; x++) box[x] = previous[x] + entering[x];
        }
    }
    for (long k = 0; k <= r; k++)
        for (long x = 0; x < width; x++) counts[x] += boxes[(r + k) * width + x];
    for (long p = 0; p < band; p++) {
        const uint8_t *row = cells + (first_row + p) * width;
        uint8_t *next = out + (first_row + p) * width;
        for (long x = 0; x < width; x++) next[x] = next_state(row[x], counts[x], middle, birth, survival, states);
        if (p + 1 == band) break;
        const int32_t *entering = boxes + (p + 2 * r + 1) * width, *leaving = boxes + (p + r) * width;
        for (long x = 0; x < width; x++) counts[x] += entering[x] - leaving[x];
    }
    free(columns);
    free(line);
    free(scratch);
    free(across);
    free(boxes);
    free(counts);
    return 0;
}

/* What one thread computes: the rows [first_row, last_row) of the next generation. */
typedef struct {
    int shape; /* LTL_MOORE, LTL_DIAMOND, LTL_RUNS or LTL_TENT */
    const uint8_t *cells;
    uint8_t *out;
    long height, width, reach;
    const int32_t *runs, *flipped_runs, *values;
    long run_count, flipped_count;
    int parity, middle;
    const uint8_t *birth, *survival;
    int states;
    long first_row, last_row;
    int status;
} band_job;

enum { LTL_MOORE = 0, LTL_DIAMOND = 1, LTL_RUNS = 2, LTL_TENT = 3 };

static void *step_band(void *argument) {
    band_job *job = argument;
    if (job->shape == LTL_MOORE)
        job->status = step_moore(job->cells, job->out, job->height, job->width, job->reach, job->middle, job->birth,
                                 job->survival, job->states, job->first_row, job->last_row);
    else if (job->shape == LTL_DIAMOND)
        job->status = step_diamond(job->cells, job->out, job->height, job->width, job->reach, job->middle,
                                   job->birth, job->survival, job->states, job->first_row, job->last_row);
    else if (job->shape == LTL_TENT)
        job->status = step_tent(job->cells, job->out, job->height, job->width, job->reach, job->middle, job->birth,
                                job->survival, job->states, job->first_row, job->last_row);
    else
        job->status = step_runs(job->cells, job->out, job->height, job->width, job->reach, job->runs, job->run_count,
                                job->flipped_runs, job->flipped_count, job->parity, job->values, job->middle,
                                job->birth, job->survival, job->states, job->first_row, job->last_row);
    return NULL;
}

int ltl_step(int shape, const uint8_t *cells, uint8_t *out, long height, long width, long reach, const int32_t *runs,
             long run_count, const int32_t *flipped_runs, long flipped_count, int parity, const int32_t *values,
             int middle, const uint8_t *birth, const uint8_t *survival, int states, int threads) {
    if (threads > height) threads = (int)height;
    if (threads < 1) threads = 1;
    band_job *jobs = malloc(sizeof(band_job) * (size_t)threads);
    pthread_t *started = malloc(sizeof(pthread_t) * (size_t)threads);
    int *running = calloc((size_t)threads, sizeof(int));
    if (!jobs || !started || !running) {
        free(jobs);
        free(started);
        free(running);
        return -1;
    }
    for (int t = 0; t < threads; t++) {
        jobs[t] = (band_job){.shape = shape, .cells = cells, .out = out, .height = height, .width = width,
                             .reach = reach, .runs = runs, .flipped_runs = flipped_runs, .run_count = run_count,
                             .flipped_count = flipped_count, .parity = parity, .values = values,
                             .middle = middle, .birth = birth,
                             .survival = survival, .states = states, .first_row = height * t / threads,
                             .last_row = height * (t + 1) / threads};
        /* A thread that cannot be started has its band done here, after the first. */
        if (t > 0) running[t] = pthread_create(&started[t], NULL, step_band, &jobs[t]) == 0;
    }
    step_band(&jobs[0]);
    int status = jobs[0].status;
    for (int t = 1; t < threads; t++) {
        if (running[t])
            pthread_join(started[t], NULL);
        else
            step_band(&jobs[t]);
        if (jobs[t].status) status = jobs[t].status;
    }
    free(jobs);
    free(started);
    free(running);
    return status;
}
