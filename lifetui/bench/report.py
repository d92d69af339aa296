"""`lifetui PATTERN --bench`: run the benchmark with a progress display and report it as a table or JSON."""

from __future__ import annotations

import json

import numpy as np
from rich.console import Console
from rich.progress import Progress, TextColumn
from rich.table import Table

from lifetui.bench.lifelib import lifelib_result
from lifetui.bench.measure import (
    PUBLISHED,
    PUBLISHED_COMPILED,
    PUBLISHED_NETWORK,
    EngineResult,
    default_engines,
    default_steps,
    machine,
    run_bench,
)
from lifetui.engines import REFERENCE, EngineOptions
from lifetui.rules import CONWAY
from lifetui.world.board import Board

SEED_EXPERIMENT_SIZE = 512


def seed_experiment_board() -> tuple[str, Board]:
    """The published setup's board, a 512 x 512 random soup (the same every run), and its name."""
    rng = np.random.default_rng(2025)
    cells = (rng.random((SEED_EXPERIMENT_SIZE, SEED_EXPERIMENT_SIZE)) < 0.5).astype(np.uint8)
    return f"random {SEED_EXPERIMENT_SIZE}x{SEED_EXPERIMENT_SIZE} soup (seed 2025)", Board.of_cells(CONWAY, cells)


def bench_command(
    pattern: str, board: Board, engines: list[str], steps: int | None, seconds: float, options: EngineOptions,
    as_json: bool, seed_experiment: bool,
) -> int:  # fmt: skip
    """Run and report (`seed_experiment`: with the published figures beside); the exit status is 1 when any engine
    disagreed with numpy."""
    engines = engines or default_engines(board, options)
    steps = steps or default_steps(board, engines)
    console = Console(stderr=True)
    # What runs now, on a terminal only (never with --json, nor into a pipe or a log).
    shown = not as_json and console.is_terminal
    with Progress(TextColumn("{task.description}"), console=console, transient=True, disable=not shown) as progress:
        task = progress.add_task("starting", total=None)

        def report(name: str, done: int) -> None:
            progress.update(task, description=f"[bold]{name}[/bold]: {done:,}/{steps:,} generations")

        def checking(doing: str) -> None:
            progress.update(task, description=doing)

        beside = (
            (lambda steps: lifelib_result(pattern, board, steps)) if board.topology.is_plane else (lambda steps: None)
        )
        results = run_bench(board, engines, steps, seconds, options, report, beside, checking)
    free = board.topology.has_free_axis  # no fixed size: the pattern's is given
    width, height = (board.pattern.width, board.pattern.height) if free else (board.width, board.height)
    document = {
        "pattern": pattern, "rule": str(board.rule), "topology": board.topology.suffix()[1:] or "plane",
        "width": width, "height": height, "steps": steps, "threads": options.threads, "devices": options.devices,
        "machine": machine(), "engines": [result.as_json() for result in results],
    }  # fmt: skip
    if seed_experiment:
        document["published"] = PUBLISHED
    mismatch = any(result.matches_reference is False for result in results)
    if as_json:
        print(json.dumps(document, allow_nan=False))  # valid JSON, always
    else:
        _print_table(document, board, results, seed_experiment)
    return 1 if mismatch else 0


def _speedup(result: EngineResult, baseline: EngineResult | None) -> str:
    if baseline is None or not baseline.available or not result.available or not baseline.gens_per_s:
        return "-"
    return f"{result.gens_per_s / baseline.gens_per_s:,.1f}"


def _print_table(document: dict, board: Board, results: list[EngineResult], seed_experiment: bool) -> None:
    # Without a terminal (a pipe, CI) rich assumes 80 columns and would cut numbers off: never do that.
    console = Console() if Console().is_terminal else Console(width=200)
    by_name = {result.engine: result for result in results}
    where = board.topology.describe()
    if board.topology.has_free_axis:
        where += f" (a {document['width']}x{document['height']} pattern)"
    table = Table(title=f"{document['pattern']}: {document['rule']} on {where}, {document['steps']:,} generations")
    columns = ("engine", "gen/s", "cells/s", f"x {PUBLISHED_NETWORK}", f"x {REFERENCE}", "agrees", "steps", "time",
               "warm-up")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column in ("engine", "agrees") else "right")
    for result in results:
        if not result.available:
            table.add_row(result.engine, "[dim]unavailable[/dim]", f"[dim]{result.reason}[/dim]", *[""] * 6)
            continue
        agrees = "[green]yes[/green]" if result.matches_reference else "[bold red]NO[/bold red]"
        if result.matches_reference is None:
            agrees = "[dim]unchecked[/dim]"
        elif result.checked != "board" and not board.topology.has_free_axis:
            agrees += f" ({result.checked})"  # tiles, or the last generations alone
        name = result.engine
        if result.inexact:
            name += " [bold red](inexact)[/bold red]"
        table.add_row(
            name, f"{result.gens_per_s:,.0f}", f"{result.cell_updates_per_s or 0:.2g}" if result.cell_updates_per_s
            else "-",
            _speedup(result, by_name.get(PUBLISHED_NETWORK)), _speedup(result, by_name.get(REFERENCE)), agrees,
            f"{result.steps:,}", f"{result.seconds:.3f}s", f"{result.warmup_seconds:.2f}s",
        )  # fmt: skip
    console.print(table)
    info = document["machine"]
    console.print(f"machine: {info['cpu']}, {info['cores']} cores; compiler: {info['compiler']}; "
                  f"threads for the engines that thread: {document['threads']}"
                  + (f"; devices for jax: {document['devices']}" if document["devices"] > 1 else ""))  # fmt: skip
    network, compiled = by_name.get(PUBLISHED_NETWORK), by_name.get(PUBLISHED_COMPILED)
    if seed_experiment and network and compiled and network.available and compiled.available:
        jax, c = network.gens_per_s, compiled.gens_per_s
        console.print(f"published ({PUBLISHED['where']}): jax network {PUBLISHED['jax']:,.0f} gen/s, compiled C "
                      f"{PUBLISHED['c']:,.0f} gen/s, {PUBLISHED['speedup']:,.0f}x")  # fmt: skip
        console.print(f"lifetui (this machine, {info['cpu']}): jax network {jax:,.0f} gen/s, compiled C "
                      f"{c:,.0f} gen/s, {c / jax:,.0f}x")  # fmt: skip
    for result in results:
        if result.inexact:
            console.print(f"[bold red]{result.engine} ran an inexact kernel (--allow-inexact): wrong on "
                          f"{result.inexact} of 512 neighbourhoods[/bold red]")  # fmt: skip
        if result.matches_reference is False:
            console.print(f"[bold red]{result.engine} does NOT match the {REFERENCE} reference after {result.steps} "
                          f"generations[/bold red]")  # fmt: skip
