/* lifetui's HashLife for multi-state rules (Generations, LifeHistory and their hexagonal and von Neumann forms):
 * Gosper's hashed quadtree with a byte a cell.
 *
 * Every multi-state rule lifetui runs steps in one form (numpy_engine.rows_by_states): a cell's next state is
 * transitions[state * 4 + turns_on * 2 + near_boundary], where turns_on is the two-state rule's 512-entry table
 * applied to the on-projection (on[state]) of its 3 x 3 neighbourhood and near_boundary says whether any cell
 * of that neighbourhood is in the boundary state (LifeHistory's; -1 for none). The rule arrives as those
 * tables, so one library runs them all.
 *
 * A node of level k is a square of 2^k x 2^k cells. Level 3 nodes are leaves of 8 x 8 bytes, one state a
 * cell; a node of level k > 3 has four children of level k - 1, and every node exists once (a hash table
 * finds it by its contents). A node of level k >= 6 remembers its result: its centre square (level k - 1)
 * 2^min(j, k - 2) generations on, where 2^j is the current step. A level 6 node (64 x 64 cells) computes its
 * result from its cells at once, generation by generation on a byte array, its on, live and boundary cells
 * also as bits of a word a row, so that a cell's index is three slices of words and the cells that must stay
 * dead are skipped a word at a time (base_result); a higher one from nine overlapping sub-squares,
 * recursively, in two rounds of half the time, or in one round after taking their centres when the step is
 * shorter than its level allows. Without B0 (refused on the plane; Golly refuses it in Generations rules) a
 * dead square stays dead at once.
 *
 * The plane, the tori whose sides are powers of two, garbage collection, interruption and the node limit
 * work as in hashlife.c, whose header explains them; this file keeps its layout and its names, with
 * "stateslife" for "hashlife", so that hashlife_engine.py's Python drives both.
 */
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef uint32_t ref; /* a node's number; 0 is no node */

#define LEAF 3          /* a leaf's level: 8 x 8 cells */
#define LEAF_SIDE 8
#define BASE (LEAF + 3) /* results are computed from cells at this level: 64 x 64 cells */
#define BASE_SIDE 64
#define EDGE_MEMO 4096
#define LIFETUI_MAX_PLANE_LEVEL 60 /* the highest root the plane grows to: coordinates stay inside 64 bits */
#define LIFETUI_MAX_STEP 60

typedef struct {
    union {
        struct {
            ref nw, ne, sw, se;  /* children */
            ref result;          /* the centre 2^min(j, level - 2) generations on, for the current step j; 0: unknown */
            uint64_t population; /* cells in a state other than 0, saturating at 2^64 - 1 */
        };
        uint8_t cells[LEAF_SIDE * LEAF_SIDE]; /* a leaf's states, row by row */
    };
    ref next;      /* the next node in its hash bucket, or in the free list */
    uint8_t level; /* LEAF for a leaf; 0 for a free node */
    uint8_t mark;
} node;

typedef struct {
    node *nodes;
    ref count, capacity, free, live;
    ref *buckets;
    ref bucket_count; /* a power of two */
    long max_nodes;   /* collect garbage beyond this many nodes in use */
    int step;         /* the current step: 2^step generations per result */
    ref root, kept;   /* the board; and the board as a step found it, which collection keeps too */
    int plane, outgrown;
    long long top, left;         /* on the plane, where the root's top-left cell is */
    uint8_t on[256];             /* 1 for the states that count as on */
    uint8_t table[512];          /* the two-state rule of the on cells: bit k of the index is NW N NE W C E SW S SE */
    uint8_t transitions[256][4]; /* [state][turns_on * 2 + near_boundary] */
    int boundary;                /* the state whose neighbours are near_boundary; -1: none */
    int states;
    struct {
        ref key;
        uint32_t epoch;
        long long value;
    } edges[4][EDGE_MEMO];
    uint32_t epoch;
    int stop_fd;
    unsigned polls;
    int halted;
} universe;

/* Cells of a leaf in a state other than 0: each byte's bits folded into its lowest, eight bytes a word. */
static uint64_t leaf_population(const node *n) {
    uint64_t words[8], total = 0;
    memcpy(words, n->cells, sizeof words);
    for (int i = 0; i < 8; i++) {
        uint64_t w = words[i];
        w |= w >> 4;
        w |= w >> 2;
        w |= w >> 1;
        total += (uint64_t)__builtin_popcountll(w & 0x0101010101010101ULL);
    }
    return total;
}

static uint64_t population(const universe *u, ref r) {
    const node *n = &u->nodes[r];
    return n->level == LEAF ? leaf_population(n) : n->population;
}

static uint64_t hash_leaf(const uint8_t cells[64]) {
    uint64_t words[8], h = 0;
    memcpy(words, cells, sizeof words);
    for (int i = 0; i < 8; i++) h = (h ^ words[i]) * 0x9E3779B97F4A7C15ULL + (h >> 31);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    return h ^ h >> 33;
}

static uint64_t hash_children(ref nw, ref ne, ref sw, ref se) {
    uint64_t h = nw * 0x9E3779B97F4A7C15ULL;
    h = (h ^ ne) * 0xC2B2AE3D27D4EB4FULL;
    h = (h ^ sw) * 0x165667B19E3779F9ULL;
    h = (h ^ se) * 0x27D4EB2F165667C5ULL;
    return h ^ (h >> 29);
}

static uint64_t node_hash(const node *n) {
    return n->level == LEAF ? hash_leaf(n->cells) : hash_children(n->nw, n->ne, n->sw, n->se);
}

/* A fresh node slot, or 0 when memory runs out or the universe holds its limit. The node array may move:
 * hold numbers, not pointers. */
static ref allocate(universe *u) {
    if ((long)u->live >= u->max_nodes) return 0;
    if (u->free) {
        ref r = u->free;
        u->free = u->nodes[r].next;
        u->live++;
        return r;
    }
    if (u->count == u->capacity) {
        if (u->capacity >= 0x7fffffffu) return 0;
        ref capacity = u->capacity * 2;
        node *grown = realloc(u->nodes, sizeof(node) * (size_t)capacity);
        if (!grown) return 0;
        u->nodes = grown;
        u->capacity = capacity;
    }
    u->live++;
    return u->count++;
}

static void fill_table(universe *u, ref *table, ref buckets) {
    for (ref r = 1; r < u->count; r++) {
        node *n = &u->nodes[r];
        if (!n->level) continue;
        ref b = (ref)(node_hash(n) & (buckets - 1));
        n->next = table[b];
        table[b] = r;
    }
    free(u->buckets);
    u->buckets = table;
    u->bucket_count = buckets;
}

static int make_room(universe *u) {
    if (u->live < u->bucket_count / 2) return 0;
    ref *table = calloc((size_t)u->bucket_count * 2, sizeof(ref));
    if (!table) return -1;
    fill_table(u, table, u->bucket_count * 2);
    return 0;
}

/* The leaf of these cells; 0 when memory runs out. */
static ref leaf(universe *u, const uint8_t cells[64]) {
    uint64_t h = hash_leaf(cells);
    for (ref r = u->buckets[h & (u->bucket_count - 1)]; r; r = u->nodes[r].next) {
        if (u->nodes[r].level == LEAF && !memcmp(u->nodes[r].cells, cells, 64)) return r;
    }
    if (make_room(u) != 0) return 0;
    ref r = allocate(u);
    if (!r) return 0;
    node *n = &u->nodes[r];
    memcpy(n->cells, cells, 64);
    n->level = LEAF;
    n->mark = 0;
    ref b = (ref)(h & (u->bucket_count - 1));
    n->next = u->buckets[b];
    u->buckets[b] = r;
    return r;
}

/* The node of the four children, all of one level; 0 when memory runs out (or a child is 0). */
static ref join(universe *u, ref nw, ref ne, ref sw, ref se) {
    if (!nw || !ne || !sw || !se) return 0;
    uint64_t h = hash_children(nw, ne, sw, se);
    for (ref r = u->buckets[h & (u->bucket_count - 1)]; r; r = u->nodes[r].next) {
        const node *n = &u->nodes[r];
        if (n->level > LEAF && n->nw == nw && n->ne == ne && n->sw == sw && n->se == se) return r;
    }
    if (make_room(u) != 0) return 0;
    ref r = allocate(u);
    if (!r) return 0;
    uint64_t total = 0;
    const ref children[4] = {nw, ne, sw, se};
    for (int i = 0; i < 4; i++) {
        uint64_t part = population(u, children[i]);
        total = part > UINT64_MAX - total ? UINT64_MAX : total + part;
    }
    node *n = &u->nodes[r];
    *n = (node){.nw = nw, .ne = ne, .sw = sw, .se = se, .population = total, .level = (uint8_t)(u->nodes[nw].level + 1)};
    ref b = (ref)(h & (u->bucket_count - 1));
    n->next = u->buckets[b];
    u->buckets[b] = r;
    return r;
}

/* The dead square of side 2^level. */
static ref dead(universe *u, int level) {
    static const uint8_t none[64];
    ref r = leaf(u, none);
    for (int l = LEAF; l < level && r; l++) r = join(u, r, r, r, r);
    return r;
}

/* Node r's cells into `out` (rows `stride` bytes apart) from (y, x); a dead node is left as it is (zeroed). */
static void cells_of(const universe *u, ref r, uint8_t *out, long stride, long y, long x) {
    const node *n = &u->nodes[r];
    if (!population(u, r)) return;
    if (n->level == LEAF) {
        for (int cy = 0; cy < LEAF_SIDE; cy++) memcpy(out + (y + cy) * stride + x, n->cells + LEAF_SIDE * cy, LEAF_SIDE);
        return;
    }
    long half = 1L << (n->level - 1);
    ref nw = n->nw, ne = n->ne, sw = n->sw, se = n->se;
    cells_of(u, nw, out, stride, y, x);
    cells_of(u, ne, out, stride, y, x + half);
    cells_of(u, sw, out, stride, y + half, x);
    cells_of(u, se, out, stride, y + half, x + half);
}

/* The square of side 2^level from (top, left) of `cells` (rows `stride` bytes apart); 0 when the nodes run out. */
static ref build(universe *u, const uint8_t *cells, long stride, long top, long left, int level) {
    if (level == LEAF) {
        uint8_t square[64];
        for (int y = 0; y < LEAF_SIDE; y++) memcpy(square + LEAF_SIDE * y, cells + (top + y) * stride + left, LEAF_SIDE);
        return leaf(u, square);
    }
    long half = 1L << (level - 1);
    ref nw = build(u, cells, stride, top, left, level - 1);
    ref ne = nw ? build(u, cells, stride, top, left + half, level - 1) : 0;
    ref sw = ne ? build(u, cells, stride, top + half, left, level - 1) : 0;
    ref se = sw ? build(u, cells, stride, top + half, left + half, level - 1) : 0;
    return join(u, nw, ne, sw, se);
}

/* A 64 x 64 square being stepped: its states, and for each row, bit x for column x, its on cells, its cells in
 * a state other than 0 and its boundary cells. */
typedef struct {
    uint8_t cells[BASE_SIDE][BASE_SIDE];
    uint64_t on[BASE_SIDE], live[BASE_SIDE], edge[BASE_SIDE];
} square;

/* The bits of `s` (its rows and columns [low, high)) from its cells. */
static void square_bits(const universe *u, square *s, int low, int high) {
    for (int y = low; y < high; y++) {
        uint64_t on = 0, live = 0, edge = 0;
        for (int x = low; x < high; x++) {
            uint8_t state = s->cells[y][x];
            on |= (uint64_t)u->on[state] << x;
            live |= (uint64_t)(state != 0) << x;
            edge |= (uint64_t)(state == u->boundary) << x;
        }
        s->on[y] = on, s->live[y] = live, s->edge[y] = edge;
    }
}

/* One generation from `in` to `out` on rows and columns [low + 1, high - 1) (those of [low, high) are right in
 * `in`). A cell's 9-bit index is three 3-bit slices of the on rows. Without B0 only cells that are live or touch
 * an on cell can be other than 0 next: the others are skipped, a word of them at a time. Returns whether any
 * cell changed. */
static int generation(const universe *u, const square *in, square *out, int low, int high) {
    uint64_t inside = (~0ULL >> (BASE_SIDE - (high - low - 2))) << (low + 1);
    int changed = 0;
    for (int y = low + 1; y < high - 1; y++) {
        uint64_t above = in->on[y - 1], row = in->on[y], below = in->on[y + 1], any = above | row | below;
        uint64_t edges = in->edge[y - 1] | in->edge[y] | in->edge[y + 1];
        uint64_t near = edges | edges << 1 | edges >> 1;
        uint64_t todo = u->table[0] ? inside : ((any | any << 1 | any >> 1) | in->live[y]) & inside;
        uint64_t on = 0, live = 0, edge = 0;
        memset(out->cells[y] + low + 1, 0, (size_t)(high - low - 2));
        while (todo) {
            int x = __builtin_ctzll(todo);
            todo &= todo - 1;
            unsigned index = (unsigned)((above >> (x - 1) & 7) | (row >> (x - 1) & 7) << 3 | (below >> (x - 1) & 7) << 6);
            uint8_t state = in->cells[y][x], next = u->transitions[state][u->table[index] * 2 + (near >> x & 1)];
            out->cells[y][x] = next;
            on |= (uint64_t)u->on[next] << x;
            live |= (uint64_t)(next != 0) << x;
            edge |= (uint64_t)(next == u->boundary) << x;
            changed |= next != state;
        }
        out->on[y] = on, out->live[y] = live, out->edge[y] = edge;
    }
    return changed;
}

/* A level 6 node's centre (level 5), `generations` (at most 16) on, computed from its cells at once: no
 * sub-square of it is hashed, only the answer. Generation g is right on [g, 64 - g); a generation that
 * changes nothing there leaves the rest unchanged too. */
static ref base_result(universe *u, ref r, int generations) {
    square squares[2];
    memset(squares[0].cells, 0, sizeof squares[0].cells);
    cells_of(u, r, &squares[0].cells[0][0], BASE_SIDE, 0, 0);
    square_bits(u, &squares[0], 0, BASE_SIDE);
    int g = 0, current = 0;
    while (g < generations) {
        if (!generation(u, &squares[current], &squares[!current], g, BASE_SIDE - g)) break;
        current = !current;
        g++;
    }
    return build(u, &squares[current].cells[0][0], BASE_SIDE, BASE_SIDE / 4, BASE_SIDE / 4, BASE - 1);
}

/* A node's centre square, one level down, now (level 5 or more). */
static ref centre(universe *u, ref r) {
    const node n = u->nodes[r];
    return join(u, u->nodes[n.nw].se, u->nodes[n.ne].sw, u->nodes[n.sw].ne, u->nodes[n.se].nw);
}

/* The nine overlapping sub-squares of a node (level 5 or more), one level down: rows of three, top left first. */
static int nine(universe *u, ref r, ref s[9]) {
    const node n = u->nodes[r];
    const node nw = u->nodes[n.nw], ne = u->nodes[n.ne], sw = u->nodes[n.sw], se = u->nodes[n.se];
    s[0] = n.nw;
    s[1] = join(u, nw.ne, ne.nw, nw.se, ne.sw);
    s[2] = n.ne;
    s[3] = join(u, nw.sw, nw.se, sw.nw, sw.ne);
    s[4] = join(u, nw.se, ne.sw, sw.ne, se.nw);
    s[5] = join(u, ne.sw, ne.se, se.nw, se.ne);
    s[6] = n.sw;
    s[7] = join(u, sw.ne, se.nw, sw.se, se.sw);
    s[8] = n.se;
    for (int i = 0; i < 9; i++) {
        if (!s[i]) return -1;
    }
    return 0;
}

/* Whether the step should give up: the stop descriptor has something to read (looked at every 4,096 results). */
static int halting(universe *u) {
    if (u->halted || u->stop_fd < 0 || ++u->polls & 4095) return u->halted;
    struct pollfd watched = {u->stop_fd, POLLIN, 0};
    u->halted = poll(&watched, 1, 0) > 0;
    return u->halted;
}

/* The node's centre 2^min(step, level - 2) generations on (level >= BASE), remembered; 0 if out of memory. */
static ref result(universe *u, ref r) {
    if (u->nodes[r].result) return u->nodes[r].result;
    if (halting(u)) return 0;
    int level = u->nodes[r].level;
    ref answer;
    if (population(u, r) == 0 && !u->table[0]) {
        answer = u->nodes[r].nw; /* without B0 a dead square stays dead: its centre is as dead as any child */
    } else if (level == BASE) {
        answer = base_result(u, r, 1 << (u->step < level - 2 ? u->step : level - 2));
    } else {
        ref s[9], t[9];
        if (nine(u, r, s) != 0) return 0;
        int full = u->step >= level - 2; /* two rounds of 2^(level - 3) generations each */
        for (int i = 0; i < 9; i++) {
            t[i] = full ? result(u, s[i]) : centre(u, s[i]);
            if (!t[i]) return 0;
        }
        ref q[4] = {join(u, t[0], t[1], t[3], t[4]), join(u, t[1], t[2], t[4], t[5]), join(u, t[3], t[4], t[6], t[7]),
                    join(u, t[4], t[5], t[7], t[8])};
        for (int i = 0; i < 4; i++) {
            if (!q[i] || !(q[i] = result(u, q[i]))) return 0;
        }
        answer = join(u, q[0], q[1], q[2], q[3]);
    }
    if (answer) u->nodes[r].result = answer;
    return answer;
}

static void mark(universe *u, ref r) {
    while (r && !u->nodes[r].mark) {
        node *n = &u->nodes[r];
        n->mark = 1;
        if (n->level == LEAF) return;
        mark(u, n->nw);
        mark(u, n->ne);
        mark(u, n->sw);
        r = n->se;
    }
}

/* Free every node the board does not reach (and forget every result: some name freed nodes). */
static int collect(universe *u) {
    ref *table = calloc(u->bucket_count, sizeof(ref));
    if (!table) return -1;
    for (ref r = 1; r < u->count; r++) u->nodes[r].mark = 0;
    mark(u, u->root);
    mark(u, u->kept);
    u->free = 0;
    u->live = 0;
    for (ref r = u->count - 1; r >= 1; r--) {
        node *n = &u->nodes[r];
        if (n->level > LEAF) n->result = 0;
        if (n->level && n->mark) {
            u->live++;
        } else {
            n->level = 0;
            n->next = u->free;
            u->free = r;
        }
    }
    fill_table(u, table, u->bucket_count);
    return 0;
}

/* A new universe for the rule: on[states], table[512], transitions[states * 4] as numpy_engine.state_tables
 * gives them, and the boundary state (-1: none). NULL when memory runs out. */
universe *lifetui_stateslife_new(const uint8_t *on, const uint8_t *table, const uint8_t *transitions, int states,
                                 int boundary, long max_nodes) {
    universe *u = calloc(1, sizeof(universe));
    if (!u) return NULL;
    u->capacity = 1 << 12;
    u->count = 1; /* node 0 is "no node" */
    u->stop_fd = -1;
    u->nodes = calloc(u->capacity, sizeof(node));
    u->bucket_count = 1 << 12;
    u->buckets = calloc(u->bucket_count, sizeof(ref));
    if (!u->nodes || !u->buckets) {
        free(u->nodes);
        free(u->buckets);
        free(u);
        return NULL;
    }
    u->states = states;
    for (int s = 0; s < states; s++) {
        u->on[s] = on[s] & 1;
        memcpy(u->transitions[s], transitions + 4 * s, 4);
    }
    memcpy(u->table, table, 512);
    u->boundary = boundary;
    u->max_nodes = max_nodes;
    return u;
}

void lifetui_stateslife_free(universe *u) {
    if (!u) return;
    free(u->nodes);
    free(u->buckets);
    free(u);
}

void lifetui_stateslife_watch(universe *u, int fd) {
    u->stop_fd = fd;
    u->halted = 0;
}

static int log2_exact(long n) {
    int level = 0;
    while ((1L << level) < n) level++;
    return (1L << level) == n ? level : -1;
}

/* Load a torus of `height` x `width` cells (powers of two, at least 32): held as the square of the larger
 * side, the smaller tiled, each distinct square built once. 0, -1 when the nodes run out, -2 for a bad shape. */
int lifetui_stateslife_load(universe *u, const uint8_t *cells, long height, long width) {
    int rows = log2_exact(height), columns = log2_exact(width);
    if (rows < BASE - 1 || columns < BASE - 1) return -2;
    int wide = width > height, small = wide ? rows : columns;
    long count = wide ? width / height : height / width, side = 1L << small;
    ref *squares = malloc(sizeof(ref) * (size_t)count);
    if (!squares) return -1;
    for (long i = 0; i < count; i++) {
        squares[i] = build(u, cells, width, wide ? 0 : i * side, wide ? i * side : 0, small);
        if (!squares[i]) {
            free(squares);
            return -1;
        }
    }
    for (; count > 1; count /= 2) {
        for (long i = 0; i < count / 2; i++) {
            ref a = squares[2 * i], b = squares[2 * i + 1];
            squares[i] = wide ? join(u, a, b, a, b) : join(u, a, a, b, b);
            if (!squares[i]) {
                free(squares);
                return -1;
            }
        }
    }
    u->root = squares[0];
    u->plane = 0;
    free(squares);
    return 0;
}

/* Forget the results of nodes above `level` (leaves have none: their cells share the place). */
static void forget_results(universe *u, int level) {
    if (level < LEAF) level = LEAF;
    for (ref r = 1; r < u->count; r++) {
        if (u->nodes[r].level > level) u->nodes[r].result = 0;
    }
}

/* A node of level k's result is 2^min(step, k - 2) generations on: those with k <= step + 2 for both steps
 * are the same whatever the step, and are kept. */
static void set_step(universe *u, int step) {
    if (step != u->step) {
        forget_results(u, (step < u->step ? step : u->step) + 2);
        u->step = step;
    }
}

/* One step of 2^step generations of the torus (a square of level >= 5), as hashlife.c's advance: from four
 * copies of it (their centre is the torus shifted by half a side, which swapping its quadrants undoes), or,
 * further, from 4^k copies whose result's north-west copy is the torus advanced. */
static ref advance(universe *u, int step) {
    set_step(u, step);
    ref r = u->root;
    int level = u->nodes[r].level;
    if (step <= level - 1) {
        ref doubled = join(u, r, r, r, r);
        ref shifted = doubled ? result(u, doubled) : 0;
        if (!shifted) return 0;
        const node s = u->nodes[shifted];
        return join(u, s.se, s.sw, s.ne, s.nw);
    }
    ref tiled = r;
    for (int k = 0; k < step - level + 2 && tiled; k++) tiled = join(u, tiled, tiled, tiled, tiled);
    ref advanced = tiled ? result(u, tiled) : 0;
    while (advanced && u->nodes[advanced].level > level) advanced = u->nodes[advanced].nw;
    return advanced;
}

/* Whether node r (level >= 5) has live cells only in its centre half: its twelve outer grandchildren are dead. */
static int centred(const universe *u, ref r) {
    const node *c = u->nodes, n = u->nodes[r];
    const node nw = c[n.nw], ne = c[n.ne], sw = c[n.sw], se = c[n.se];
    const ref outer[12] = {nw.nw, nw.ne, nw.sw, ne.nw, ne.ne, ne.se, sw.nw, sw.sw, sw.se, se.ne, se.sw, se.se};
    for (int i = 0; i < 12; i++) {
        if (population(u, outer[i])) return 0;
    }
    return 1;
}

/* Node r, one level up, in the centre of dead borders (its top-left moves up and left by half its side);
 * 0 when the nodes run out or it would outgrow the plane's coordinates. */
static ref grow(universe *u, ref r, long long *top, long long *left) {
    int level = u->nodes[r].level;
    if (level + 1 > LIFETUI_MAX_PLANE_LEVEL) {
        u->outgrown = 1;
        return 0;
    }
    const node n = u->nodes[r];
    ref grown;
    if (level == LEAF) { /* four leaves, each with a quarter of this one at its inner corner */
        uint8_t quarters[4][64] = {{0}};
        for (int y = 0; y < 4; y++) {
            memcpy(quarters[0] + 8 * (4 + y) + 4, n.cells + 8 * y, 4);
            memcpy(quarters[1] + 8 * (4 + y), n.cells + 8 * y + 4, 4);
            memcpy(quarters[2] + 8 * y + 4, n.cells + 8 * (4 + y), 4);
            memcpy(quarters[3] + 8 * y, n.cells + 8 * (4 + y) + 4, 4);
        }
        grown = join(u, leaf(u, quarters[0]), leaf(u, quarters[1]), leaf(u, quarters[2]), leaf(u, quarters[3]));
    } else {
        ref d = dead(u, level - 1);
        grown = join(u, join(u, d, d, d, n.nw), join(u, d, d, n.ne, d), join(u, d, n.sw, d, d), join(u, n.se, d, d, d));
    }
    *top -= 1LL << (level - 1);
    *left -= 1LL << (level - 1);
    return grown;
}

/* One edge of the live cells' bounding box in (non-empty) node r, from its top-left: along `axis` (0 rows, 1
 * columns) the first live line (far 0) or the last one plus one (far 1); each node's edge is found once a call. */
static long long edge(universe *u, ref r, int axis, int far) {
    const node *n = &u->nodes[r];
    if (n->level == LEAF) {
        unsigned lines = 0; /* bit i: row (axis 0) or column (axis 1) i has a live cell */
        for (int y = 0; y < LEAF_SIDE; y++) {
            for (int x = 0; x < LEAF_SIDE; x++) {
                if (n->cells[LEAF_SIDE * y + x]) lines |= 1u << (axis ? x : y);
            }
        }
        return far ? 32 - __builtin_clz(lines) : __builtin_ctz(lines);
    }
    int table = 2 * axis + far;
    size_t slot = (size_t)((r * 2654435761u) & (EDGE_MEMO - 1));
    if (u->edges[table][slot].key == r && u->edges[table][slot].epoch == u->epoch) return u->edges[table][slot].value;
    static const int pairs[2][2][2][2] = {{{{0, 1}, {2, 3}}, {{2, 3}, {0, 1}}}, {{{0, 2}, {1, 3}}, {{1, 3}, {0, 2}}}};
    const ref kids[4] = {n->nw, n->ne, n->sw, n->se};
    long long half = 1LL << (n->level - 1), best = far ? LLONG_MIN : LLONG_MAX;
    int found = 0;
    for (int p = 0; p < 2 && !found; p++) {
        long long offset = (p == 0) == (far == 1) ? half : 0;
        for (int i = 0; i < 2; i++) {
            ref child = kids[pairs[axis][far][p][i]];
            if (!population(u, child)) continue;
            long long value = offset + edge(u, child, axis, far);
            if (far ? value > best : value < best) best = value;
            found = 1;
        }
    }
    u->edges[table][slot].key = r;
    u->edges[table][slot].epoch = u->epoch;
    u->edges[table][slot].value = best;
    return best;
}

static void node_box(universe *u, ref r, long long box[4]) {
    if (++u->epoch == 0) {
        memset(u->edges, 0, sizeof u->edges);
        u->epoch = 1;
    }
    for (int axis = 0; axis < 2; axis++) {
        box[axis] = edge(u, r, axis, 0);
        box[2 + axis] = edge(u, r, axis, 1);
    }
}

/* The live cells' bounding box in the root's coordinates, rows [box[0], box[2]) and columns [box[1], box[3]);
 * 0, or -1 when there are none. */
int lifetui_stateslife_bounds(universe *u, long long box[4]) {
    if (!population(u, u->root)) return -1;
    node_box(u, u->root, box);
    return 0;
}

/* Node r narrowed, while one of its nine sub-squares holds every live cell, to that sub-square (not below
 * the base level); 0 when the nodes run out. */
static ref fit(universe *u, ref r, long long *top, long long *left) {
    while (r && u->nodes[r].level > BASE && population(u, r)) {
        long long box[4];
        node_box(u, r, box);
        long long quarter = 1LL << (u->nodes[r].level - 2), half = 2 * quarter;
        long long i = box[0] / quarter < 2 ? box[0] / quarter : 2, j = box[1] / quarter < 2 ? box[1] / quarter : 2;
        if (box[2] > i * quarter + half || box[3] > j * quarter + half) break;
        ref s[9];
        if (nine(u, r, s) != 0) return 0;
        r = s[3 * i + j];
        *top += i * quarter;
        *left += j * quarter;
    }
    return r;
}

/* One step of 2^step generations on the plane, as hashlife.c's advance_plane: grown until the live cells are
 * in the centre half and the root is at least step + 2 levels high (and the base level), then once more, so
 * that the result holds all of them; dead borders are then taken off. 0 when the nodes run out. */
static ref advance_plane(universe *u, int step, long long *top, long long *left) {
    set_step(u, step);
    ref r = fit(u, u->root, top, left);
    while (r && (u->nodes[r].level < BASE || u->nodes[r].level < step + 2 || !centred(u, r))) r = grow(u, r, top, left);
    if (r) r = grow(u, r, top, left);
    if (!r) return 0;
    int level = u->nodes[r].level;
    ref next = result(u, r);
    if (!next) return 0;
    *top += 1LL << (level - 2);
    *left += 1LL << (level - 2);
    while (next && u->nodes[next].level > BASE && centred(u, next)) {
        level = u->nodes[next].level;
        next = centre(u, next);
        *top += 1LL << (level - 2);
        *left += 1LL << (level - 2);
    }
    return next;
}

static int give_up(universe *u, long long top, long long left, int status) {
    u->root = u->kept;
    u->top = top, u->left = left;
    u->kept = 0;
    return status;
}

/* Advance the board `generations` steps: 0, or -1 when the nodes run out even after collecting garbage, -2
 * when a pattern on the plane would outgrow its coordinates, -3 when the stop descriptor can be read; the
 * board is then as the call found it. */
int lifetui_stateslife_step(universe *u, long long generations) {
    u->kept = u->root;
    u->outgrown = 0;
    long long kept_top = u->top, kept_left = u->left;
    int longest = u->plane ? LIFETUI_MAX_PLANE_LEVEL - 3 : LIFETUI_MAX_STEP;
    while (generations > 0) {
        int step = 0;
        while (step + 1 <= longest && (1LL << (step + 1)) <= generations) step++;
        long long top = u->top, left = u->left;
        ref next = u->plane ? advance_plane(u, step, &top, &left) : advance(u, step);
        if (!next && u->outgrown) {
            u->outgrown = 0;
            return give_up(u, kept_top, kept_left, -2);
        }
        if (!next && u->halted) {
            u->halted = 0;
            return give_up(u, kept_top, kept_left, -3);
        }
        if (!next) {
            top = u->top, left = u->left;
            if (collect(u) != 0 || !(next = u->plane ? advance_plane(u, step, &top, &left) : advance(u, step))) {
                return give_up(u, kept_top, kept_left, -1);
            }
        }
        u->root = next;
        u->top = top, u->left = left;
        generations -= 1LL << step;
    }
    u->kept = 0;
    return 0;
}

typedef struct {
    long top, left, height, width;
    long row, column;
    long block, across;
    uint8_t *out;
} request;

/* The part of the request in node r at (y, x): states when block is 1, else 1 for a square with a live cell. */
static void region(const universe *u, ref r, long y, long x, const request *q) {
    const node *n = &u->nodes[r];
    long side = 1L << n->level;
    long bottom = q->top + q->height, right = q->left + q->width;
    if (population(u, r) == 0 || y >= bottom || x >= right || y + side <= q->top || x + side <= q->left) return;
    long dy = q->row - q->top, dx = q->column - q->left;
    if (q->block > 1 && y >= q->top && y + side <= bottom && x >= q->left && x + side <= right &&
        (y + dy) / q->block == (y + side - 1 + dy) / q->block && (x + dx) / q->block == (x + side - 1 + dx) / q->block) {
        q->out[(y + dy) / q->block * q->across + (x + dx) / q->block] = 1;
        return;
    }
    if (n->level == LEAF) {
        for (int cy = 0; cy < LEAF_SIDE; cy++) {
            for (int cx = 0; cx < LEAF_SIDE; cx++) {
                uint8_t s = n->cells[LEAF_SIDE * cy + cx];
                long at_y = y + cy, at_x = x + cx;
                if (s && at_y >= q->top && at_y < bottom && at_x >= q->left && at_x < right) {
                    q->out[(at_y + dy) / q->block * q->across + (at_x + dx) / q->block] = q->block > 1 ? 1 : s;
                }
            }
        }
        return;
    }
    long half = side / 2;
    ref nw = n->nw, ne = n->ne, sw = n->sw, se = n->se;
    region(u, nw, y, x, q);
    region(u, ne, y, x + half, q);
    region(u, sw, y + half, x, q);
    region(u, se, y + half, x + half, q);
}

/* The rectangle of `height` x `width` cells from (top, left) of the held square into `out` (zeroed by the
 * caller; `across` bytes a row) from its cell (row, column), one byte per block x block square: the states
 * themselves when block is 1, else 1 where a cell is in a state other than 0. */
void lifetui_stateslife_region(const universe *u, long top, long left, long height, long width, long row, long column,
                               long block, uint8_t *out, long across) {
    request q = {top, left, height, width, row, column, block, across, out};
    region(u, u->root, 0, 0, &q);
}

unsigned long long lifetui_stateslife_population(const universe *u) { return population(u, u->root); }

long lifetui_stateslife_nodes(const universe *u) { return (long)u->live; }

void lifetui_stateslife_plane(universe *u, long long top, long long left) {
    u->plane = 1;
    u->top = top;
    u->left = left;
}

void lifetui_stateslife_root(const universe *u, long long *top, long long *left, int *level) {
    *top = u->top;
    *left = u->left;
    *level = u->nodes[u->root].level;
}

/* Leaves of `count` 8 x 8 squares (64 bytes each, row by row), their numbers into refs. 0, or -1 when the
 * nodes run out. */
int lifetui_stateslife_leaves(universe *u, const uint8_t *cells, long count, uint32_t *refs) {
    for (long i = 0; i < count; i++) {
        if (!(refs[i] = leaf(u, cells + 64 * i))) return -1;
    }
    return 0;
}

/* Nodes of level + 1 from four children each of `level` (nw, ne, sw, se; 0 for a dead one): `count` of them
 * into refs. 0, or -1 when the nodes run out. */
int lifetui_stateslife_joins(universe *u, const uint32_t *children, long count, int level, uint32_t *refs) {
    ref d = dead(u, level);
    if (!d) return -1;
    for (long i = 0; i < count; i++) {
        const uint32_t *c = children + 4 * i;
        if (!(refs[i] = join(u, c[0] ? c[0] : d, c[1] ? c[1] : d, c[2] ? c[2] : d, c[3] ? c[3] : d))) return -1;
    }
    return 0;
}

/* Make node `root` (0: a dead square) the board on the unbounded plane, its top-left cell at (top, left). 0, or
 * -1 when the nodes run out. */
int lifetui_stateslife_plant(universe *u, uint32_t root, long long top, long long left) {
    if (!root) root = dead(u, BASE);
    if (!root) return -1;
    u->root = root;
    lifetui_stateslife_plane(u, top, left);
    return 0;
}

/* Node r (its top-left cell at (0, 0)) with the cell at (y, x) in state `value`; 0 when the nodes run out. */
static ref with_cell(universe *u, ref r, long long y, long long x, int value) {
    const node n = u->nodes[r];
    if (n.level == LEAF) {
        uint8_t cells[64];
        memcpy(cells, n.cells, 64);
        cells[LEAF_SIDE * y + x] = (uint8_t)value;
        return leaf(u, cells);
    }
    long long half = 1LL << (n.level - 1);
    int k = 2 * (y >= half) + (x >= half);
    ref kids[4] = {n.nw, n.ne, n.sw, n.se};
    kids[k] = with_cell(u, kids[k], y - (k >> 1) * half, x - (k & 1) * half, value);
    return join(u, kids[0], kids[1], kids[2], kids[3]);
}

/* Put the cells of the plane at places[2i], places[2i + 1] (row, column), `count` of them, in state `value`, the
 * root growing dead borders to reach them: 0, or -1 when the nodes run out, -2 beyond the plane's coordinates;
 * the board is then as the call found it. */
int lifetui_stateslife_set(universe *u, const long long *places, long count, int value) {
    ref r = u->root, kept = u->root;
    long long top = u->top, left = u->left;
    u->outgrown = 0;
    for (long i = 0; i < count && r; i++) {
        long long y = places[2 * i], x = places[2 * i + 1];
        while (r && (y < top || x < left || y - top >= 1LL << u->nodes[r].level || x - left >= 1LL << u->nodes[r].level)) {
            r = grow(u, r, &top, &left);
        }
        if (r) r = with_cell(u, r, y - top, x - left, value);
    }
    if (!r) {
        int outgrown = u->outgrown;
        u->outgrown = 0;
        u->root = kept;
        return outgrown ? -2 : -1;
    }
    u->root = r;
    u->top = top, u->left = left;
    return 0;
}

static unsigned __int128 exact_population(const universe *u, ref r, unsigned __int128 *memo, uint8_t *known) {
    const node *n = &u->nodes[r];
    if (n->level == LEAF || n->population != UINT64_MAX) return population(u, r);
    if (known[r]) return memo[r];
    unsigned __int128 total = exact_population(u, n->nw, memo, known) + exact_population(u, n->ne, memo, known) +
                              exact_population(u, n->sw, memo, known) + exact_population(u, n->se, memo, known);
    memo[r] = total;
    known[r] = 1;
    return total;
}

/* The root's population exactly when it saturated, its low and high 64 bits in out, each distinct node counted
 * once. 0, or -1 without memory for the count. */
int lifetui_stateslife_population_exact(const universe *u, unsigned long long out[2]) {
    unsigned __int128 *memo = malloc(sizeof *memo * (size_t)u->count);
    uint8_t *known = calloc((size_t)u->count, 1);
    if (!memo || !known) {
        free(memo);
        free(known);
        return -1;
    }
    unsigned __int128 total = exact_population(u, u->root, memo, known);
    free(memo);
    free(known);
    out[0] = (unsigned long long)total;
    out[1] = (unsigned long long)(total >> 64);
    return 0;
}

/* Writing Golly's multi-state macrocell: its leaves are 2 x 2 squares of states (level 1), its other nodes of
 * level 2 and up, and the file's root is the square from the live cells' top-left corner, which need not be
 * where any node here starts. A square of the file is therefore four of the universe's nodes of its level (a 2 x 2
 * block) seen from a fixed offset, the same at every square of a level: (top, left) modulo the side. Each block
 * is worked out once (`memo`), and each distinct square of the file is numbered once by its content (`numbers`),
 * children first, as the file lists them. */
typedef struct {
    uint32_t key[5]; /* a level (0: a free slot), then four nodes, numbers or states */
    uint32_t value;
} dump_slot;

typedef struct {
    dump_slot *slots;
    size_t size, used; /* size a power of two, or 0 */
} dump_table;

typedef struct {
    const universe *u;
    dump_table memo, numbers;
    long long top, left; /* the file's root's top-left cell in the universe's root */
    int failed;          /* memory ran out */
    long count, capacity;
    uint32_t *children; /* four a square; NULL: count only */
    uint8_t *levels;
} dumping;

static size_t dump_hash(const uint32_t key[5], size_t size) {
    uint64_t h = key[0];
    for (int i = 1; i < 5; i++) h = (h ^ key[i]) * 0x9E3779B97F4A7C15ULL + (h >> 29);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    return (size_t)(h ^ h >> 33) & (size - 1);
}

/* The slot of `key` in t: its own, or the free one it would take (the table grown first when half full); NULL
 * when memory runs out. */
static dump_slot *dump_find(dump_table *t, const uint32_t key[5]) {
    if (2 * (t->used + 1) > t->size) {
        size_t size = t->size ? 2 * t->size : 1024;
        dump_slot *slots = calloc(size, sizeof(dump_slot));
        if (!slots) return NULL;
        for (size_t i = 0; i < t->size; i++) {
            if (!t->slots[i].key[0]) continue;
            size_t at = dump_hash(t->slots[i].key, size);
            while (slots[at].key[0]) at = (at + 1) & (size - 1);
            slots[at] = t->slots[i];
        }
        free(t->slots);
        t->slots = slots, t->size = size;
    }
    size_t at = dump_hash(key, t->size);
    while (t->slots[at].key[0] && memcmp(t->slots[at].key, key, sizeof t->slots[at].key)) at = (at + 1) & (t->size - 1);
    return &t->slots[at];
}

/* The number of the square `key` (its level and four children's numbers or states), numbered now if it is new;
 * 0 when memory runs out (d->failed). */
static uint32_t dump_number(dumping *d, const uint32_t key[5]) {
    dump_slot *s = d->failed ? NULL : dump_find(&d->numbers, key);
    if (!s) {
        d->failed = 1;
        return 0;
    }
    if (s->key[0]) return s->value;
    long i = d->count++;
    if (d->children && i < d->capacity) {
        memcpy(d->children + 4 * i, key + 1, 4 * sizeof(uint32_t));
        d->levels[i] = (uint8_t)key[0];
    }
    memcpy(s->key, key, sizeof s->key);
    d->numbers.used++;
    return s->value = (uint32_t)(i + 1);
}

/* The number of the square of side 2^level (1 to 3) at (y, x) of an 8 x 8 square of states; 0 if all are 0. */
static uint32_t dump_cells(dumping *d, const uint8_t cells[64], int y, int x, int level) {
    uint32_t key[5] = {(uint32_t)level};
    int half = 1 << (level - 1);
    for (int i = 0; i < 4; i++) {
        int cy = y + (i >> 1) * half, cx = x + (i & 1) * half;
        key[1 + i] = level == 1 ? cells[LEAF_SIDE * cy + cx] : dump_cells(d, cells, cy, cx, level - 1);
    }
    if (!(key[1] | key[2] | key[3] | key[4])) return 0;
    return dump_number(d, key);
}

/* The 8 x 8 states at (y, x) of the 16 x 16 square of four leaves (0: dead). */
static void dump_window(const universe *u, const ref quad[4], int y, int x, uint8_t out[64]) {
    uint8_t cells[2 * LEAF_SIDE][2 * LEAF_SIDE] = {{0}};
    for (int i = 0; i < 4; i++) {
        if (!quad[i]) continue;
        for (int cy = 0; cy < LEAF_SIDE; cy++) {
            memcpy(&cells[(i >> 1) * LEAF_SIDE + cy][(i & 1) * LEAF_SIDE], u->nodes[quad[i]].cells + LEAF_SIDE * cy,
                   LEAF_SIDE);
        }
    }
    for (int cy = 0; cy < LEAF_SIDE; cy++) memcpy(out + LEAF_SIDE * cy, &cells[y + cy][x], LEAF_SIDE);
}

static ref live_child(const universe *u, ref r, int i) {
    if (!r) return 0;
    const node *n = &u->nodes[r];
    ref c = i == 0 ? n->nw : i == 1 ? n->ne : i == 2 ? n->sw : n->se;
    return population(u, c) ? c : 0;
}

/* The number of the file's square of side 2^level (3 or more) in the 2 x 2 block `quad` of nodes of that level
 * (nw, ne, sw, se; 0 for a dead one), from the level's offset; 0 if it is dead or memory runs out. */
static uint32_t dump_block(dumping *d, ref quad[4], int level) {
    long long side = 1LL << level, y = d->top & (side - 1), x = d->left & (side - 1);
    if (!y) quad[2] = quad[3] = 0; /* the square is the block's top row, or its left column, or its nw node */
    if (!x) quad[1] = quad[3] = 0;
    if (!(quad[0] | quad[1] | quad[2] | quad[3]) || d->failed) return 0;
    uint32_t memo_key[5] = {(uint32_t)level, quad[0], quad[1], quad[2], quad[3]};
    dump_slot *s = dump_find(&d->memo, memo_key);
    if (!s) {
        d->failed = 1;
        return 0;
    }
    if (s->key[0]) return s->value;
    uint32_t number;
    if (level == LEAF) {
        uint8_t cells[64];
        dump_window(d->u, quad, (int)y, (int)x, cells);
        number = dump_cells(d, cells, 0, 0, LEAF);
    } else {
        ref grid[4][4]; /* the block's sixteen children, a level down: row gy, column gx */
        for (int gy = 0; gy < 4; gy++) {
            for (int gx = 0; gx < 4; gx++) {
                grid[gy][gx] = live_child(d->u, quad[gy / 2 * 2 + gx / 2], gy % 2 * 2 + gx % 2);
            }
        }
        int row = (int)(y >> (level - 1)), column = (int)(x >> (level - 1));
        uint32_t key[5] = {(uint32_t)level};
        for (int i = 0; i < 4; i++) {
            int gy = row + (i >> 1), gx = column + (i & 1);
            ref sub[4] = {grid[gy][gx], grid[gy][gx + 1], grid[gy + 1][gx], grid[gy + 1][gx + 1]};
            key[1 + i] = dump_block(d, sub, level - 1);
        }
        number = key[1] | key[2] | key[3] | key[4] ? dump_number(d, key) : 0;
    }
    if (d->failed) return 0;
    s = dump_find(&d->memo, memo_key); /* the table may have grown meanwhile */
    if (!s) {
        d->failed = 1;
        return 0;
    }
    memcpy(s->key, memo_key, sizeof s->key);
    d->memo.used++;
    return s->value = number;
}

/* The root's node of `level` at (row, column) in squares of that side; 0 beyond the root or dead. */
static ref dump_descend(const universe *u, int level, long long row, long long column) {
    ref r = u->root;
    int top = u->nodes[r].level;
    if (row >> (top - level) || column >> (top - level)) return 0;
    for (int l = top; l > level && r; l--) {
        int k = (int)(2 * (row >> (l - 1 - level) & 1) + (column >> (l - 1 - level) & 1));
        r = live_child(u, r, k);
    }
    return r && population(u, r) ? r : 0;
}

/* The square of side 2^level (2 to the root's level) from (top, left) of the root (cells beyond it are dead) as
 * Golly's multi-state macrocell numbers it (from 1), children first: square i's level in levels[i] and its four
 * children's numbers (0: dead), or a leaf's four states, in children[4i..4i+4). Returns how many, or -1 when there
 * are more than `capacity` or memory runs out; with children NULL, only how many there are. */
long lifetui_stateslife_dump(const universe *u, long long top, long long left, int level, long capacity,
                             uint32_t *children, uint8_t *levels) {
    dumping d = {.u = u, .top = top, .left = left, .capacity = capacity, .children = children, .levels = levels};
    int block = level < LEAF ? LEAF : level;
    ref quad[4];
    for (int i = 0; i < 4; i++) quad[i] = dump_descend(u, block, (top >> block) + (i >> 1), (left >> block) + (i & 1));
    if (level < LEAF) { /* a root smaller than a leaf: the north-west quarter of the leaf's window */
        uint8_t cells[64];
        dump_window(u, quad, (int)(top & (LEAF_SIDE - 1)), (int)(left & (LEAF_SIDE - 1)), cells);
        dump_cells(&d, cells, 0, 0, level);
    } else {
        dump_block(&d, quad, level);
    }
    free(d.memo.slots);
    free(d.numbers.slots);
    return d.failed || (children && d.count > capacity) ? -1 : d.count;
}
