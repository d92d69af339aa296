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
from lifetui.errors import LifeError
from lifetui.rules import Rule

__all__ = [
    "DEFAULT_OPTIONS", "ENGINES", "REFERENCE", "Availability", "Engine", "EngineInfo", "EngineOptions",
    "EngineUnavailable", "availability", "available_engines", "create_engine",
]  # fmt: skip


class EngineUnavailable(LifeError):
    """The engine cannot run here, for the reason given."""


@dataclass(frozen=True)
class Availability:
    available: bool
    reason: str = ""
    exit_code: int = 1  # when it is unavailable: 2 if the user's input is why (a kernel folder), else 1


def always(rule: Rule, options: EngineOptions) -> str | None:
    return None


def any_shape(height: int, width: int) -> str | None:
    return None


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
    #: The reason it cannot run, or None; it may raise a LifeError instead (a bad kernel: exit status 2).
    check: Callable[[Rule, EngineOptions], str | None] = always
    #: The reason it cannot hold a board of (height, width), or None.
    shape: Callable[[int, int], str | None] = any_shape


def _compiler(rule: Rule, options: EngineOptions) -> str | None:
    from lifetui.compiler.build import missing_compiler_reason

    return missing_compiler_reason()


def _learned(rule: Rule, options: EngineOptions) -> str | None:
    learned_kernel(rule, options)  # a missing, damaged, inexact or other rule's kernel raises KernelError
    return None


def _learned_and_jax(rule: Rule, options: EngineOptions) -> str | None:
    if importlib.util.find_spec("jax") is None:
        return "JAX is not installed (pip install jax)"
    return _learned(rule, options)


def _learned_and_compiler(rule: Rule, options: EngineOptions) -> str | None:
    return _learned(rule, options) or _compiler(rule, options)


def _totalistic_and_compiler(rule: Rule, options: EngineOptions) -> str | None:
    if not rule.is_totalistic:
        kind = "isotropic non-totalistic" if rule.kind == "isotropic" else "a MAP rule"
        return f"hand-written for totalistic rules only; {rule} is {kind} (c runs any rule)"
    return _compiler(rule, options)


def reference_fits(height: int, width: int) -> str | None:
    """Why the numpy engine cannot hold a board this large here (12 bytes a cell while it steps), or None."""
    from lifetui.board import REFERENCE_BYTES_PER_CELL, memory_shortfall

    problem = memory_shortfall(width, height, REFERENCE_BYTES_PER_CELL, " on the numpy engine")
    return f"{problem} (c and bitsliced take a quarter of a byte a cell)" if problem else None


#: The engine every other one is checked against.
REFERENCE = "numpy"

#: Registry order is the TUI's key order: the first engine is key 1.
ENGINES: dict[str, EngineInfo] = {
    info.name: info
    for info in (
        EngineInfo(
            "numpy",
            "reference: numpy neighbour counts or a 512-entry table lookup, any rule",
            "lifetui.engines.numpy_engine:NumpyEngine",
            shape=reference_fits,
        ),
        EngineInfo(
            "jax",
            "the trained logic gate network, its live gates run in JAX on a packed board",
            "lifetui.engines.jax_engine:JaxEngine",
            _learned_and_jax,
        ),
        EngineInfo(
            "c",
            "the network's circuit, optimised and compiled to bit-parallel C",
            "lifetui.engines.c_engines:CircuitEngine",
            _learned_and_compiler,
        ),
        EngineInfo(
            "bitsliced",
            "hand-written bitsliced C for totalistic rules, the yardstick",
            "lifetui.engines.c_engines:BitslicedEngine",
            _totalistic_and_compiler,
        ),
        EngineInfo(
            "hashlife",
            "Gosper's HashLife in C, any rule, for tori whose sides are powers of two",
            "lifetui.engines.hashlife_engine:HashlifeEngine",
            _compiler,
            power_of_two_sides,
        ),
    )
}


def availability(
    name: str, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS, shape: tuple[int, int] | None = None
) -> Availability:
    """Whether engine `name` can run `rule` here (and hold a board of `shape`, (height, width), if given)."""
    info = ENGINES.get(name)
    if info is None:
        return Availability(False, f"unknown engine {name!r}; engines are {', '.join(ENGINES)}")
    try:
        reason = info.check(rule, options) or (info.shape(*shape) if shape else None)
    except LifeError as err:
        return Availability(False, str(err), err.exit_code)
    return Availability(reason is None, reason or "")


def available_engines(
    rule: Rule, options: EngineOptions = DEFAULT_OPTIONS, shape: tuple[int, int] | None = None
) -> dict[str, Availability]:
    """Every registered engine's availability for `rule` (and a board of `shape`), in registry order."""
    return {name: availability(name, rule, options, shape) for name in ENGINES}


def create_engine(
    name: str, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS, shape: tuple[int, int] | None = None
) -> Engine:
    """A ready engine for the rule (and a board of `shape`, if given), or EngineUnavailable saying why not."""
    status = availability(name, rule, options, shape)
    if not status.available:
        unavailable = EngineUnavailable(f"engine {name} is unavailable: {status.reason}")
        unavailable.exit_code = status.exit_code
        raise unavailable
    factory = ENGINES[name].factory
    if isinstance(factory, str):
        module_name, _, class_name = factory.partition(":")
        factory = getattr(importlib.import_module(module_name), class_name)
    return factory(rule, options)
