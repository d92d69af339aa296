"""The jax engine: the trained gate network itself, run layer by layer in JAX on a packed board.

The board stays packed on the device between generations: row r is a row of uint32 words, cell x in
bit x % 32 of word x // 32 (the bits past the width are kept zero). A generation gathers each cell's
nine neighbours as nine words by shifts (west and east, across word boundaries and around the torus)
and rolls of rows (north and south), then runs the network layer by layer on those words, 32 cells a
word. Only the gates the output depends on run: walking back from the output through the wires each
gate's type actually reads, a trained network keeps a few hundred of its 2,303 (the function is the
same, checked on all 512 neighbourhoods by the tests). Each gate is traced as the one bitwise
operation of its type, so XLA fuses a whole generation into a pass over the words. The board is
unpacked only when read.

Float evaluation of the same network (c0 + c1*a + c2*b + c3*a*b per gate) managed about 6 generations/s
at 512 x 512 here (`python benchmarks/float_network.py`).
"""

from __future__ import annotations

import functools
from abc import abstractmethod
from collections.abc import Callable
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import platformdirs
from jax.sharding import AxisType, NamedSharding, PartitionSpec

from lifetui.compiler.build import BuildError, private_folder
from lifetui.engines.base import DEFAULT_OPTIONS, Engine, EngineOptions, wrapped
from lifetui.errors import LifeError
from lifetui.memory import memory_shortfall
from lifetui.model.factored import flat
from lifetui.model.gates import PASS_A, PASS_B
from lifetui.model.network import live_gates, state_bits, too_many_live_gates
from lifetui.rules import NEIGHBOURHOOD, Rule

WORD_BITS = 32
MAX_LOOP = 2**31 - 1
#: Peak resident memory per cell while this engine loads and steps, JIT compilation included: 4.63 bytes
#: at 4096 x 4096 (`python benchmarks/memory.py 4096 jax`), rounded up. The unpacked board handed over
#: at load and read back is most of it; the packed board and its neighbour words are an eighth each.
BYTES_PER_CELL = 6
OFFSETS = {"NW": (-1, -1), "N": (-1, 0), "NE": (-1, 1), "W": (0, -1), "C": (0, 0), "E": (0, 1),
           "SW": (1, -1), "S": (1, 0), "SE": (1, 1)}  # fmt: skip
ONES = np.uint32(0xFFFFFFFF)

#: Each gate type as one bitwise operation on packed words (the 16 two-input functions, TRUTH's order).
OPERATIONS: tuple[Callable[[jnp.ndarray, jnp.ndarray], jnp.ndarray], ...] = (
    lambda a, b: jnp.zeros_like(a), lambda a, b: a & b, lambda a, b: a & ~b, lambda a, b: a,
    lambda a, b: ~a & b, lambda a, b: b, lambda a, b: a ^ b, lambda a, b: a | b,
    lambda a, b: ~(a | b), lambda a, b: ~(a ^ b), lambda a, b: ~b, lambda a, b: a | ~b,
    lambda a, b: ~a, lambda a, b: ~a | b, lambda a, b: ~(a & b), lambda a, b: jnp.full_like(a, ONES),
)  # fmt: skip


def run_live(layers: list[list[tuple[int, int, int]]], inputs: list[jnp.ndarray]) -> list[jnp.ndarray]:
    """The live gates, layer by layer, on the neighbourhood words; each output's words. A wire a gate does
    not read (-1) is handed any word of the right shape."""
    values, shaped = inputs, inputs[0]
    for layer in layers:
        values = [OPERATIONS[op](values[a] if a >= 0 else shaped, values[b] if b >= 0 else shaped)
                  for op, a, b in layer]  # fmt: skip
    return values


def operations_run(layers: list[list[tuple[int, int, int]]]) -> int:
    """Gates that compute something: not the pass-throughs, which only hand a word on."""
    return sum(op not in (PASS_A, PASS_B) for layer in layers for op, _, _ in layer)


def west_east(words: jnp.ndarray, width: int) -> tuple[jnp.ndarray, jnp.ndarray]:
    """For packed rows (rows, words) of a torus `width` cells wide, the words of each cell's west and east
    neighbours, wrapping round each row."""
    last = width - WORD_BITS * (words.shape[1] - 1)  # cells in the last word of a row, 1..32
    previous, following = jnp.roll(words, 1, axis=1), jnp.roll(words, -1, axis=1)
    # West of cell x is x - 1: the bit below, and the previous word's top bit (at the row's start, the
    # last cell of the row, bit last - 1 of the last word).
    carry_in = (previous >> (WORD_BITS - 1)).at[:, 0].set((words[:, -1] >> (last - 1)) & 1)
    west = (words << 1) | carry_in
    # East of cell x is x + 1: the bit above, and the next word's lowest bit at the top; the row's last
    # cell (bit last - 1 of the last word) has cell 0 east of it.
    east = (words >> 1) | ((following & 1) << (WORD_BITS - 1))
    east = east.at[:, -1].set((words[:, -1] >> 1) | ((words[:, 0] & 1) << (last - 1)))
    return west, east


def neighbour_words(words: jnp.ndarray, width: int, above: jnp.ndarray, below: jnp.ndarray) -> list[jnp.ndarray]:
    """The nine neighbourhood words of every word of packed rows (rows, words) of a torus `width` cells
    wide, given the row above the first and the row below the last, in NEIGHBOURHOOD order: word (r, j)
    of the NW plane holds, for each of its cells, that cell's north-west neighbour."""
    words = jnp.concatenate([above[None, :], words, below[None, :]])
    west, east = west_east(words, width)
    row = {-1: west, 0: words, 1: east}
    rows = words.shape[0] - 2
    return [row[dx][1 + dy : 1 + dy + rows] for dy, dx in (OFFSETS[name] for name in NEIGHBOURHOOD)]


def pack(cells: np.ndarray) -> np.ndarray:
    """(rows, width) 0/1 -> (rows, words) uint32, cell x in bit x % 32 of word x // 32."""
    rows, width = cells.shape
    words = -(-width // WORD_BITS)
    padded = np.zeros((rows, words * WORD_BITS), dtype=np.uint8)
    padded[:, :width] = cells
    return np.packbits(padded, axis=1, bitorder="little").view("<u4").reshape(rows, words)


def unpack(words: np.ndarray, width: int) -> np.ndarray:
    rows = words.shape[0]
    as_bytes = np.ascontiguousarray(words).astype("<u4").view(np.uint8).reshape(rows, -1)
    return np.unpackbits(as_bytes, axis=1, bitorder="little")[:, :width]


@functools.cache
def enable_compilation_cache() -> Path | None:
    """JAX's persistent compilation cache in a private folder of lifetui's user cache (`jax`, beside the C builds),
    so that a second start or swap loads the compiled loop instead of compiling it again: the folder, or None
    when it cannot be made ours and private (JAX then compiles each time). A folder the user gave JAX
    (JAX_COMPILATION_CACHE_DIR) is kept."""
    given = jax.config.values.get("jax_compilation_cache_dir")
    if given:
        return Path(given)
    folder = Path(platformdirs.user_cache_dir("lifetui")) / "jax"
    try:
        private_folder(folder, parents=True)
    except (BuildError, OSError):
        return None
    jax.config.update("jax_compilation_cache_dir", str(folder))
    # Every loop, however quick to compile: a swap pays for each compilation it waits for.
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    return folder


class PackedJaxEngine(Engine):
    """A board of packed uint32 words held on JAX's device (or split by rows over several), advanced by one
    jitted loop of many generations a call; a subclass says what one generation computes (`generation`)."""

    def __init__(self, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS):
        super().__init__(rule, options)
        enable_compilation_cache()
        self._width = 0
        self._run = None
        self._sharding = None
        self.devices = self.rows_multiple = options.devices
        if self.devices > 1 and jax.device_count() < self.devices:
            raise LifeError(
                f"{self.name} engine: {self.devices} devices asked for and JAX sees {jax.device_count()} "
                f"(on a CPU, XLA_FLAGS=--xla_force_host_platform_device_count={self.devices} makes that many)"
            )

    @abstractmethod
    def generation(self, width: int) -> Callable[[jnp.ndarray, jnp.ndarray, jnp.ndarray], jnp.ndarray]:
        """One generation of packed rows `width` cells wide, as a function traced into the loop: (rows, the row
        above the first, the row below the last) -> the rows a generation on (bits past the width are cleared
        after it)."""

    def _compile(self, width: int) -> None:
        """The jitted loop of many generations for rows `width` cells wide: on one device, or with the rows
        split over a mesh of devices, each block's edge rows passed to its neighbours every generation."""
        one_generation = self.generation(width)

        def generations(words: jnp.ndarray, keep: jnp.ndarray, steps: jnp.ndarray, halo) -> jnp.ndarray:
            def one(_, block):
                return one_generation(block, *halo(block)) & keep

            # `steps` is traced: one compilation serves every count the callers size from measured speed.
            # One generation a turn: written out two to eight a turn, they ran 2 to 10 times slower on XLA's CPU.
            return jax.lax.fori_loop(0, steps, one, words)

        if self.devices == 1:
            self._run = jax.jit(lambda words, keep, steps: generations(words, keep, steps, lambda b: (b[-1], b[0])))
            return
        devices = self.devices
        # Auto: XLA works out the exchanges a read of a few rows needs (the view's window), which an explicit
        # mesh refuses (ShardingTypeError) for any indexing of the split board.
        mesh = jax.make_mesh((devices,), ("rows",), axis_types=(AxisType.Auto,))
        forward = [(k, (k + 1) % devices) for k in range(devices)]  # block k's last row goes below, to k + 1
        backward = [(k, (k - 1) % devices) for k in range(devices)]

        def halo(block: jnp.ndarray) -> tuple[jnp.ndarray, jnp.ndarray]:
            above = jax.lax.ppermute(block[-1], "rows", forward)  # the previous block's last row
            below = jax.lax.ppermute(block[0], "rows", backward)  # the next block's first row
            return above, below

        sharded = jax.shard_map(
            lambda words, keep, steps: generations(words, keep, steps, halo),
            mesh=mesh,
            in_specs=(
                PartitionSpec("rows", None),
                PartitionSpec(),
                PartitionSpec(),
            ),
            out_specs=PartitionSpec("rows", None),
        )
        self._run = jax.jit(sharded)
        self._sharding = NamedSharding(mesh, PartitionSpec("rows", None))

    def load(self, cells: np.ndarray) -> None:
        self._hold(cells.shape, lambda: pack(cells))

    def packed(self) -> tuple[np.ndarray, int] | None:
        return np.asarray(self._words).view(np.uint8)[:, : -(-self._width // 8)], self._width

    def take_over(self, other: Engine) -> bool:
        packed = other.packed()
        if packed is None:
            return False
        rows, width = packed
        words = -(-width // WORD_BITS)

        def as_words() -> np.ndarray:
            padded = np.zeros((rows.shape[0], words * 4), dtype=np.uint8)
            padded[:, : rows.shape[1]] = rows
            return padded.view("<u4")

        self._hold((rows.shape[0], width), as_words)
        return True

    def _hold(self, shape: tuple[int, int], packed: Callable[[], np.ndarray]) -> None:
        """Hold a board of `shape` whose packed words `packed()` gives, once the shape is known to fit."""
        problem = memory_shortfall(shape[1], shape[0], BYTES_PER_CELL)
        if problem:
            # Refused before XLA allocates: running out of memory would end the process, board and all.
            raise LifeError(f"{self.name} engine: {problem}")
        height, width = shape
        if self.devices > 1 and height % self.devices:
            fits = -(-height // self.devices) * self.devices
            raise LifeError(
                f"{self.name} engine: {height} rows do not split over {self.devices} devices; try --size {width}x{fits}"
            )
        if width != self._width or self._run is None:
            self._width = width
            self._compile(width)
        words = -(-width // WORD_BITS)
        last = width - WORD_BITS * (words - 1)
        keep = np.full(words, ONES, dtype=np.uint32)
        keep[-1] = ONES if last == WORD_BITS else np.uint32((1 << last) - 1)  # bits past the width stay 0
        self._keep = jnp.asarray(keep)
        self._words = jax.device_put(packed(), self._sharding) if self._sharding else jnp.asarray(packed())
        self._height = height

    def step(self, generations: int = 1) -> None:
        while generations > 0:
            chunk = min(generations, MAX_LOOP)  # the loop count is a 32-bit integer inside XLA
            self._words = self._run(self._words, self._keep, chunk)
            generations -= chunk
        self._words.block_until_ready()

    def cells(self) -> np.ndarray:
        return unpack(np.asarray(self._words), self._width)

    def window(self, top: int, left: int, height: int, width: int) -> np.ndarray:
        rows = np.asarray(self._words[wrapped(top, height, self._height)])
        return unpack(rows, self._width)[:, wrapped(left, width, self._width)]

    def population(self) -> int:
        return int(np.asarray(jax.lax.population_count(self._words)).sum(dtype=np.int64))


class JaxEngine(PackedJaxEngine):
    name = "jax"

    def __init__(self, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS):
        super().__init__(rule, options)
        network = flat(self._learned_kernel().network)
        problem = too_many_live_gates(network)
        if problem:
            raise LifeError(f"jax engine: {problem}")
        self.gate_count = network.gate_count
        self.layers = live_gates(network)
        self.live = sum(len(layer) for layer in self.layers)

    def generation(self, width: int) -> Callable[[jnp.ndarray, jnp.ndarray, jnp.ndarray], jnp.ndarray]:
        layers = self.layers
        return lambda block, above, below: run_live(layers, neighbour_words(block, width, above, below))[0]

    def describe(self) -> tuple[str, str]:
        spread = f", rows split over {self.devices} devices" if self.devices > 1 else ""
        return "Network", (
            f"{self.live:,} of its {self.gate_count:,} gates run (those the output depends on; "
            f"{operations_run(self.layers):,} compute), on 32-cell words{spread}"
        )


class PlanesBoard(PackedJaxEngine):
    """A multi-state rule's board for the JAX engines: (rows, planes, words) uint32, plane p bit p of each cell's
    state, each plane packed as a two-state board is; a generation reads every plane's neighbour words, bit
    plane first (input 9 * p + k is plane p of the cell NEIGHBOURHOOD[k]), and writes the next state's planes."""

    def __init__(self, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS):
        super().__init__(rule, options)
        self.planes = state_bits(rule.states)

    def neighbourhood(self, width: int, block: jnp.ndarray, above: jnp.ndarray, below: jnp.ndarray) -> list:
        """The 9 x planes neighbourhood words of every word of the block, plane by plane."""
        return [word for p in range(self.planes) for word in neighbour_words(block[:, p], width, above[p], below[p])]

    def load(self, cells: np.ndarray) -> None:
        self._hold(cells.shape, lambda: np.stack([pack((cells >> p) & 1) for p in range(self.planes)], axis=1))

    def packed(self) -> tuple[np.ndarray, int] | None:
        return None  # a plane of one bit a cell would not be the board

    def take_over(self, other: Engine) -> bool:
        return False

    def cells(self) -> np.ndarray:
        return self._states(np.asarray(self._words))

    def window(self, top: int, left: int, height: int, width: int) -> np.ndarray:
        rows = np.asarray(self._words[wrapped(top, height, self._height)])
        return self._states(rows)[:, wrapped(left, width, self._width)]

    def _states(self, words: np.ndarray) -> np.ndarray:
        states = unpack(words[:, 0], self._width)
        for p in range(1, self.planes):
            states |= unpack(words[:, p], self._width) << p
        return states

    def population(self) -> int:
        occupied = jnp.bitwise_or.reduce(self._words, axis=1) if self.planes > 1 else self._words[:, 0]
        return int(np.asarray(jax.lax.population_count(occupied)).sum(dtype=np.int64))


class StatesJaxEngine(PlanesBoard, JaxEngine):
    """The jax engine of a multi-state rule: the network's live gates on the board's bit planes."""

    def generation(self, width: int) -> Callable[[jnp.ndarray, jnp.ndarray, jnp.ndarray], jnp.ndarray]:
        layers = self.layers
        return lambda block, above, below: jnp.stack(
            run_live(layers, self.neighbourhood(width, block, above, below)), axis=1
        )
