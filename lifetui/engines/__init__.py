"""The engine registry the CLI and the TUI list from; engines are imported only when one is created."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lifetui.engines.base import Engine
from lifetui.errors import LifeError
from lifetui.rules import Rule

__all__ = ["ENGINES", "Availability", "Engine", "EngineUnavailable", "availability", "create_engine"]


class EngineUnavailable(LifeError):
    """The engine cannot run here, for the reason given."""


@dataclass(frozen=True)
class Availability:
    available: bool
    reason: str = ""


@dataclass(frozen=True)
class EngineInfo:
    name: str
    summary: str
    factory: str  # "module:Class", imported on first use so that no engine slows the others' start-up
    check: Callable[[Rule, Path | None], str | None]  # the reason it cannot run, or None


def _always(rule: Rule, model: Path | None) -> str | None:
    return None


def _kernel_and_jax(rule: Rule, model: Path | None) -> str | None:
    if importlib.util.find_spec("jax") is None:
        return "JAX is not installed (pip install jax)"
    from lifetui.kernel import KernelError, kernel_for

    try:
        kernel_for(rule, model)
    except KernelError as err:
        return str(err)
    return None


def _compiler(rule: Rule, model: Path | None) -> str | None:
    from lifetui.build import missing_compiler_reason

    return missing_compiler_reason()


def _kernel_and_compiler(rule: Rule, model: Path | None) -> str | None:
    from lifetui.build import missing_compiler_reason
    from lifetui.kernel import KernelError, kernel_for

    try:
        kernel_for(rule, model)
    except KernelError as err:
        return str(err)
    return missing_compiler_reason()


ENGINES: dict[str, EngineInfo] = {
    info.name: info
    for info in (
        EngineInfo(
            "numpy",
            "reference: numpy neighbour counting, any Life-like rule",
            "lifetui.engines.numpy_engine:NumpyEngine",
            _always,
        ),
        EngineInfo(
            "jax",
            "the trained logic gate network, run as a neural net in JAX",
            "lifetui.engines.jax_engine:JaxEngine",
            _kernel_and_jax,
        ),
        EngineInfo(
            "c",
            "the network's circuit, optimised and compiled to bit-parallel C",
            "lifetui.engines.c_engines:CircuitEngine",
            _kernel_and_compiler,
        ),
        EngineInfo(
            "bitsliced",
            "hand-written bitsliced C kernel, the yardstick",
            "lifetui.engines.c_engines:BitslicedEngine",
            _compiler,
        ),
    )
}


def availability(name: str, rule: Rule, model: Path | None = None) -> Availability:
    info = ENGINES.get(name)
    if info is None:
        return Availability(False, f"unknown engine {name!r}; engines are {', '.join(ENGINES)}")
    reason = info.check(rule, model)
    return Availability(reason is None, reason or "")


def create_engine(name: str, rule: Rule, model: Path | None = None, allow_inexact: bool = False) -> Engine:
    """A ready engine for the rule, or EngineUnavailable saying why not."""
    status = availability(name, rule, model)
    if not status.available:
        raise EngineUnavailable(f"engine {name} is unavailable: {status.reason}")
    module_name, _, class_name = ENGINES[name].factory.partition(":")
    engine_class = getattr(importlib.import_module(module_name), class_name)
    return engine_class(rule, model, allow_inexact)
