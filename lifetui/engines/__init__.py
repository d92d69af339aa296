"""The engine registry: every engine is defined here once, and the CLI, `--bench` and the TUI list from it.

Adding an engine is one module with an Engine subclass and one EngineInfo below; its key in the TUI,
its place in help, the command palette, `lifetui engines` and `--bench` follow from the registry order.
Engine modules are imported only when one is created, so no engine slows the others' start-up.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from lifetui.engines.base import DEFAULT_OPTIONS, Engine, EngineOptions, learned_kernel
from lifetui.errors import LifeError, UsageError
from lifetui.memory import BOARD_BYTES_PER_CELL, memory_shortfall, physical_memory
from lifetui.model.factored import flat
from lifetui.model.network import learnable_problem, too_many_live_gates
from lifetui.rules import Rule
from lifetui.world.topology import Topology

__all__ = [
    "DEFAULT_OPTIONS",
    "ENGINES",
    "REFERENCE",
    "Availability",
    "Engine",
    "EngineInfo",
    "EngineOptions",
    "EngineUnavailable",
    "availability",
    "available_engines",
    "by_memory",
    "create_engine",
    "load_factory",
    "refuse_unavailable",
]


class EngineUnavailable(LifeError):
    """The engine cannot run here, for the reason given."""


@dataclass(frozen=True)
class Availability:
    available: bool
    reason: str = ""
    exit_code: int = 1  # when it is unavailable: 2 if the user's input is why (a kernel folder), else 1


def always(rule: Rule, options: EngineOptions) -> str | None:
    return None


def any_topology(topology: Topology) -> str | None:
    return None


def tori_and_the_plane(topology: Topology) -> str | None:
    """Why hashlife cannot hold this topology (it holds the plane and tori whose sides are powers of two), or None."""
    if topology.is_plane:
        return None
    if not topology.is_torus:
        return f"it runs tori and the unbounded plane, not {topology.suffix()}; try --engine c or numpy"
    return power_of_two_sides(*topology.shape)


def power_of_two_sides(height: int, width: int) -> str | None:
    """Why a torus of this shape is not one the hashlife engine holds (its sides powers of two), or None."""
    if all(side & (side - 1) == 0 for side in (height, width)):
        return None
    fits = 1 << (max(height, width) - 1).bit_length()
    return (
        f"it runs tori whose sides are powers of two (256x256, 1024x512, ...), not {width}x{height}; "
        f"try --size {fits}x{fits}"
    )


@dataclass(frozen=True)
class EngineInfo:
    name: str
    summary: str
    factory: str | type[Engine]  # the class, or "module:Class" to import it on first use
    #: The reason it cannot run the rule here, or None; it may raise a LifeError instead (a bad kernel: status 2).
    why_not: Callable[[Rule, EngineOptions], str | None] = always
    #: The reason it cannot hold this topology at all, or None (memory is checked from bytes_per_cell).
    topologies: Callable[[Topology], str | None] = any_topology
    #: Peak bytes a cell of its board takes while it steps (with the board a simulation keeps): what decides
    #: whether a torus fits here, and which engine to start on when the reference does not fit.
    bytes_per_cell: float = BOARD_BYTES_PER_CELL
    #: "module:Class" of the Universe the engine holds itself on the unbounded plane (hashlife's quadtree);
    #: None: it steps a board, and ArrayUniverse gives it every topology.
    universe: str | None = None
    #: Whether a call's cost barely grows with the generations it advances (hashlife's jumps): flat out, the
    #: TUI then advances one step of 2^k generations a call (Golly's step exponent), not as many as it can.
    jumps: bool = False
    #: Whether it steps rules of more than two states (Generations, History): the others hold a bit a cell.
    #: A learned engine steps those it has a kernel for (`why_not` says when it has none).
    multi_state: bool = False
    #: Whether it steps Larger than Life rules (a range over the 3x3 square): the others read a 3x3 table.
    larger_than_life: bool = False
    #: "module:Class" (or the class) that steps a multi-state rule, when it is not `factory` (the c engine
    #: holds such a board as bit planes, in another runtime).
    states_factory: str | type[Engine] | None = None
    #: "module:Class" of the Universe for a multi-state rule on the plane, when it is not `universe`.
    states_universe: str | None = None
    #: Whether it runs a trained kernel of the rule rather than the rule's table (jax, c, xla).
    learned: bool = False
    #: Cell updates per second on a 512 x 512 soup, one thread, measured here (docs/performance.md): `run`
    #: without --engine takes the fastest exact engine that can hold the board.
    cell_rate: float = 0.0
    #: The same for a Larger than Life rule, Bosco's (R5,C0,M1,S34..58,B34..45,NM), for engines that run them
    #: (`lifetui liquid-methuseblob-soup.rle --rule R5,C0,M1,S34..58,B34..45,NM --size 512x512 --bench`).
    range_cell_rate: float = 0.0


def _compiler(rule: Rule, options: EngineOptions) -> str | None:
    from lifetui.compiler.build import missing_compiler_reason

    return missing_compiler_reason()


def _learned(rule: Rule, options: EngineOptions) -> str | None:
    problem = learnable_problem(rule)
    if problem:
        return problem
    learned_kernel(rule, options)  # a missing, damaged, inexact or other rule's kernel raises KernelError
    return None


#: The address space JAX's CPU client needs to start (under `ulimit -v` 1.2 GiB it aborts the process; 1.5 GiB
#: is enough here), with room for a board.
JAX_LEAST_MEMORY = 2 * 2**30


def _jax(rule: Rule, options: EngineOptions) -> str | None:
    if importlib.util.find_spec("jax") is None:
        return "JAX is not installed (pip install jax)"
    if physical_memory() < JAX_LEAST_MEMORY:  # XLA aborts the whole process (std::bad_alloc) with less
        return (f"JAX needs {JAX_LEAST_MEMORY / 2**30:.0f} GiB of address space; this process may use "
                f"{physical_memory() / 2**30:.1f} GiB (ulimit -v)")  # fmt: skip
    return None


def _learned_and_jax(rule: Rule, options: EngineOptions) -> str | None:
    problem = _jax(rule, options)
    if problem:
        return problem
    problem = learnable_problem(rule)
    if problem:
        return problem
    kernel, _ = learned_kernel(rule, options)  # a missing, damaged, inexact or other rule's kernel raises
    return too_many_live_gates(flat(kernel.network))


def _learned_circuit_and_jax(rule: Rule, options: EngineOptions) -> str | None:
    return _jax(rule, options) or _learned(rule, options)


def _learned_and_compiler(rule: Rule, options: EngineOptions) -> str | None:
    return _learned(rule, options) or _compiler(rule, options)


def _larger_than_life_and_compiler(rule: Rule, options: EngineOptions) -> str | None:
    if rule.ltl is None:
        return f"it runs Larger than Life rules (R5,C0,M1,S34..58,B34..45,NM, ...) only; {rule} is a 3x3 rule"
    from lifetui.engines.ltl_engine import shape_refusal

    return shape_refusal(rule) or _compiler(rule, options)


def _totalistic_and_compiler(rule: Rule, options: EngineOptions) -> str | None:
    if not rule.is_totalistic:
        kinds = {"isotropic": "isotropic non-totalistic", "map": "a MAP rule"}
        kind = kinds.get(rule.kind, f"of the {rule.kind} neighbourhood")
        return (
            f"hand-written for totalistic rules only (of the Moore neighbourhood); {rule} is {kind} (c runs any rule)"
        )
    return _compiler(rule, options)


#: The engine every other one is checked against.
REFERENCE = "numpy"

#: Registry order is the TUI's key order: the first engine is key 1.
ENGINES: dict[str, EngineInfo] = {
    info.name: info
    for info in (
        EngineInfo(
            "numpy",
            "reference: numpy neighbour counts, a 512-entry table lookup or range sums: any rule, Larger than Life too",
            "lifetui.engines.numpy_engine:NumpyEngine",
            multi_state=True,
            larger_than_life=True,
            # Measured 11 with tracemalloc: the board, row sums, block sums and numpy's 8-byte index copy.
            bytes_per_cell=12,
            cell_rate=1.3e9,
            range_cell_rate=4.6e7,
        ),
        EngineInfo(
            "jax",
            "the trained logic gate network, its live gates run in JAX on a packed board",
            "lifetui.engines.jax_engine:JaxEngine",
            _learned_and_jax,
            multi_state=True,
            states_factory="lifetui.engines.jax_engine:StatesJaxEngine",
            learned=True,
            bytes_per_cell=6,
            cell_rate=1.7e10,
        ),
        EngineInfo(
            "c",
            "the network's circuit, optimised and compiled to bit-parallel C",
            "lifetui.engines.c_engines:CircuitEngine",
            _learned_and_compiler,
            multi_state=True,
            states_factory="lifetui.engines.c_engines:StatesCircuitEngine",
            learned=True,
            cell_rate=1.4e11,
        ),
        EngineInfo(
            "bitsliced",
            "hand-written bitsliced C for totalistic rules, the yardstick",
            "lifetui.engines.c_engines:BitslicedEngine",
            _totalistic_and_compiler,
            cell_rate=1.2e11,
        ),
        EngineInfo(
            "hashlife",
            "Gosper's HashLife in C, any rule, on the unbounded plane and tori whose sides are powers of two",
            "lifetui.engines.hashlife_engine:HashlifeEngine",
            _compiler,
            tori_and_the_plane,
            universe="lifetui.engines.hashlife_engine:HashlifeUniverse",
            jumps=True,
            multi_state=True,  # a byte a cell, in a C of its own
            states_factory="lifetui.engines.stateslife_engine:StatesHashlifeEngine",
            states_universe="lifetui.engines.stateslife_engine:StatesHashlifeUniverse",
            cell_rate=1e8,  # a soup; a pattern with structure runs far faster, the plane's pattern above all
        ),
        # Last, so that the keys 1 to 5 keep their engines.
        EngineInfo(
            "xla",
            "the c engine's compiled circuit as JAX operations on a packed board on JAX's default device (a GPU)",
            "lifetui.engines.xla_engine:XlaEngine",
            _learned_circuit_and_jax,
            multi_state=True,
            states_factory="lifetui.engines.xla_engine:StatesXlaEngine",
            learned=True,
            bytes_per_cell=6,
            cell_rate=2.5e10,  # 1.7 to 2.6 times jax's in one run here: above it, where there is no C compiler
        ),
        # After xla, so that the keys 1 to 6 keep their engines.
        EngineInfo(
            "ltl",
            "Larger than Life in C, its range sums running sums: a cell costs the same at range 500 as at 1",
            "lifetui.engines.ltl_engine:LtlEngine",
            _larger_than_life_and_compiler,
            multi_state=True,
            larger_than_life=True,
            bytes_per_cell=12,  # the board, the next one, von Neumann's byte and two int32 diagonal sums a cell
            range_cell_rate=3.8e8,
        ),
    )
}


def holds_reason(info: EngineInfo, topology: Topology) -> str | None:
    """Why the engine cannot hold the topology here (its kind, or memory for a fixed board), or None."""
    reason = info.topologies(topology)
    if reason or topology.has_free_axis:
        return reason  # a board that follows the pattern checks its memory as it grows
    height, width = topology.shape
    problem = memory_shortfall(width, height, info.bytes_per_cell, f" on the {info.name} engine")
    if not problem:
        return None
    roomy = [other.name for other in by_memory() if other.bytes_per_cell < info.bytes_per_cell]
    return problem + (f" ({' and '.join(roomy[:2])} take less)" if roomy else "")


def by_memory() -> list[EngineInfo]:
    """The engines, the least memory a cell first (registry order among equals)."""
    return sorted(ENGINES.values(), key=lambda info: info.bytes_per_cell)


def availability(
    name: str, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS, topology: Topology | None = None
) -> Availability:
    """Whether engine `name` can run `rule` here (and hold `topology`, if given)."""
    info = ENGINES.get(name)
    if info is None:
        return Availability(False, f"unknown engine {name!r}; engines are {', '.join(ENGINES)}")
    if rule.ltl is not None and not info.larger_than_life:
        ranged = [other.name for other in ENGINES.values() if other.larger_than_life]
        runs = "runs" if len(ranged) == 1 else "run"
        return Availability(False, f"it runs rules of the 3x3 neighbourhood; {rule} is a Larger than Life rule of "
                                   f"range {rule.ltl.range} ({' and '.join(ranged)} {runs} it)")  # fmt: skip
    if rule.multi_state and not info.multi_state:
        return Availability(False, f"it runs two-state rules; {rule} is a {rule.family} rule of {rule.states} states "
                                   f"({_multi_state_engines(rule)})")  # fmt: skip
    try:
        reason = info.why_not(rule, options)
    except LifeError as err:
        return Availability(False, str(err), err.exit_code)
    if reason is None and topology is not None:
        kind = info.topologies(topology)
        if kind:  # a grid the engine cannot run is a usage error; a torus of the wrong size, as ever, status 1
            return Availability(False, kind, 1 if topology.is_torus else UsageError.exit_code)
        reason = holds_reason(info, topology)
    return Availability(reason is None, reason or "")


def _multi_state_engines(rule: Rule) -> str:
    """Which engines run the multi-state `rule`: "numpy and hashlife run it; jax, c and xla with a trained kernel"
    (the learned ones only where a kernel can be trained for it; ltl, which runs Larger than Life alone, is not
    named)."""
    any_rule = [info.name for info in ENGINES.values() if info.multi_state and not info.learned
                and (info.why_not is always or not info.larger_than_life)]  # fmt: skip
    learned = [info.name for info in ENGINES.values()
               if info.multi_state and info.learned and learnable_problem(rule) is None]  # fmt: skip
    text = f"{' and '.join(any_rule)} {'runs' if len(any_rule) == 1 else 'run'} it"
    if learned:
        text += f"; {', '.join(learned[:-1])}{' and ' if len(learned) > 1 else ''}{learned[-1]} with a trained kernel"
    return text


def available_engines(
    rule: Rule, options: EngineOptions = DEFAULT_OPTIONS, topology: Topology | None = None
) -> dict[str, Availability]:
    """Every registered engine's availability for `rule` (and `topology`), in registry order."""
    return {name: availability(name, rule, options, topology) for name in ENGINES}


def refuse_unavailable(name: str, rule: Rule, options: EngineOptions, topology: Topology | None) -> None:
    """EngineUnavailable, saying why, unless engine `name` can run `rule` (on `topology`) here."""
    status = availability(name, rule, options, topology)
    if not status.available:
        unavailable = EngineUnavailable(f"engine {name} is unavailable: {status.reason}")
        unavailable.exit_code = status.exit_code
        raise unavailable


def load_factory(factory: str | type) -> type:
    """A class given as itself or as "module:Class" (imported now)."""
    if isinstance(factory, str):
        module_name, _, class_name = factory.partition(":")
        return getattr(importlib.import_module(module_name), class_name)
    return factory


def create_engine(
    name: str, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS, topology: Topology | None = None
) -> Engine:
    """A ready engine for the rule (and `topology`, if given), or EngineUnavailable saying why not."""
    refuse_unavailable(name, rule, options, topology)
    info = ENGINES[name]
    factory = info.states_factory if rule.multi_state and info.states_factory else info.factory
    return load_factory(factory)(rule, options)
