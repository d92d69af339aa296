"""The `lifetui` command line; headless commands import no UI code and no JAX."""

from __future__ import annotations

import contextlib
import errno
import io
import json
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import click
import numpy as np

from lifetui import __version__
from lifetui.api import Life
from lifetui.engines import ENGINES, JAX_LEAST_MEMORY, EngineOptions, available_engines
from lifetui.errors import LifeError, UsageError
from lifetui.files import write_atomically
from lifetui.memory import physical_memory
from lifetui.model.factored import cells_to_inputs, mistakes, shape_problem
from lifetui.model.kernels import (
    Kernel,
    kernel_for,
    load_kernel,
    refuse_inexact,
    refuse_kernel_folder,
    user_kernels_dir,
)
from lifetui.model.network import (
    DEFAULT_LAYERS,
    default_layers,
    factored,
    layer_sizes_problem,
    learnable_problem,
    neighbourhood_count,
    next_states,
    state_bits,
)
from lifetui.patterns import Pattern, load_pattern, refuse_other_format_name
from lifetui.patterns.pattern import MAX_GENERATION
from lifetui.rules import CONWAY, RuleSpec, parse_rule
from lifetui.simulation.runner import UNTIL_STABLE_STEPS, progress_bar
from lifetui.world import pictures
from lifetui.world.board import board_for, open_board, parse_size, torus_board
from lifetui.world.universe import Outgrown


class EngineChoice(click.Choice):
    """The engines in the registry, read when the command line is parsed rather than when it is defined."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(ENGINES)

    @choices.setter
    def choices(self, value: tuple[str, ...]) -> None:
        """Ignored: the registry is the list."""


ENGINE_CHOICE = EngineChoice()
#: More generations than any engine runs in years; keeps counts inside C's long.
MAX_STEPS = 10**15
DEFAULT_TRAIN_STEPS = 6000
DEFAULT_TRAIN_SEEDS = 20


def _size(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    try:
        return parse_size(value) if value is not None else None
    except UsageError as err:
        raise click.BadParameter(str(err)) from None


def _rule(ctx: click.Context, param: click.Parameter, value: str | None) -> RuleSpec | None:
    try:
        return parse_rule(value) if value is not None else None
    except UsageError as err:
        raise click.BadParameter(str(err)) from None


def _learnable_rule(ctx: click.Context, param: click.Parameter, value: str | None) -> RuleSpec | None:
    """--rule of train, verify and compile: a two-state rule, or a Generations rule of a few states."""
    spec = _rule(ctx, param, value)
    if spec is not None and spec.rule.ltl is not None:
        raise click.BadParameter(f"{spec.rule} is a Larger than Life rule of range {spec.rule.ltl.range}; kernels are "
                                 "trained, verified and compiled for rules of the 3x3 neighbourhood")  # fmt: skip
    problem = learnable_problem(spec.rule) if spec is not None else None
    if problem:
        raise click.BadParameter(problem)
    return spec


def _parsed(parse: Callable[[str], object]) -> Callable[[click.Context, click.Parameter, str | None], object]:
    """A click callback that parses an option's text with `parse`, its UsageError the option's error."""

    def callback(ctx: click.Context, param: click.Parameter, value: str | None) -> object:
        try:
            return parse(value) if value is not None else None
        except UsageError as err:
            raise click.BadParameter(str(err)) from None

    return callback


def _finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a finite number of seconds")
    return value


def _warn(pattern: Pattern) -> None:
    for warning in pattern.warnings:
        click.echo(f"lifetui: warning: {warning}", err=True)


def _keyboard_from_terminal() -> None:
    """The pattern came through a pipe on standard input; the UI reads its keys from the terminal instead."""
    try:
        terminal = os.open("/dev/tty", os.O_RDONLY)
    except OSError:
        raise LifeError("the pattern came on standard input and there is no terminal to read keys from") from None
    os.dup2(terminal, 0)
    os.close(terminal)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115 - standard input lives as long as the process


def _layers(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, ...] | None:
    """--layers as widths; that they end in the rule's outputs is checked once --rule is known."""
    if value is None:
        return None
    try:
        layers = tuple(int(part) for part in value.split(","))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a comma-separated list of whole numbers") from None
    problem = layer_sizes_problem(layers, layers[-1] if layers else 1)
    if problem:
        raise click.BadParameter(problem)
    return layers


def kernel_option(help: str):
    """The option naming a trained kernel's folder: --kernel, and --model, its old name."""
    return click.option("--kernel", "--model", "model", type=click.Path(path_type=Path), help=help)


def board_options(function):
    """The options every command that builds a board shares: --size, --rule, --model, --allow-inexact."""
    function = click.option(
        "--allow-inexact", is_flag=True, help="Run a trained kernel even where it departs from its rule (to study it)."
    )(function)
    function = kernel_option("Trained kernel folder for jax and c (--model: the old name).")(function)
    function = click.option("--rule", callback=_rule, help="Rule, overriding the file's (B3/S23, B36/S23, ...).")(
        function
    )
    return click.option("--size", callback=_size, metavar="WxH", help="Torus size, e.g. 512x512.")(function)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def commands() -> None:
    """lifetui's commands other than opening a pattern: run, engines, train, verify, compile."""


class PatternCommand(click.Command):
    """`lifetui PATTERN`, whose help also lists the other commands."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "[OPTIONS] PATTERN")
        formatter.write_usage(ctx.command_path, "COMMAND [ARGS]...", prefix="   or: ")

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        commands.format_commands(ctx, formatter)
        super().format_epilog(ctx, formatter)


DEVICES = click.option(
    "--devices",
    type=click.IntRange(1, 4096),
    default=1,
    show_default=True,
    help="Devices the jax engine splits the board's rows over (on a CPU, XLA_FLAGS="
    "--xla_force_host_platform_device_count=N makes N).",
)


@click.command(
    cls=PatternCommand,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Run lifetui COMMAND --help for a command's own options.",
)
@click.version_option(__version__, prog_name="lifetui")
@click.argument("pattern", required=False)
@click.option("--engine", "engines", type=ENGINE_CHOICE, multiple=True,
              help="Engine to start on (repeatable with --bench: the engines to measure).")  # fmt: skip
@board_options
@click.option("--bench", is_flag=True, help="Benchmark the engines headless instead of opening the UI.")
@click.option("--steps", type=click.IntRange(1, MAX_STEPS), help="Generations per engine in --bench.")
@click.option(
    "--seconds",
    type=click.FloatRange(min=0, min_open=True),
    callback=_finite,
    default=10.0,
    show_default=True,
    help="Cap on each engine's timed run in --bench.",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 1024),
    default=1,
    show_default=True,
    help="Threads for the engines that thread (c, bitsliced, ltl) in --bench; at most the CPUs lifetui may use.",
)
@DEVICES
@click.option("--json", "as_json", is_flag=True, help="With --bench: print only JSON.")
@click.option("--seed-experiment", is_flag=True,
              help="With --bench: the published setup, a 512x512 random board (no PATTERN needed).")  # fmt: skip
@click.option("--plane", is_flag=True,
              help="On the unbounded plane (with --bench: and python-lifelib's HashLife if installed).")  # fmt: skip
def open_pattern(pattern: str | None, engines: tuple[str, ...], size, rule, model: Path | None, allow_inexact: bool,
                 bench: bool, steps: int | None, seconds: float, threads: int, devices: int, as_json: bool,
                 seed_experiment: bool, plane: bool) -> None:  # fmt: skip
    """Life-like cellular automata in the terminal, with learned logic-gate kernels compiled to C.

    lifetui PATTERN opens PATTERN (a .rle, .cells, .lif or .mc file, gzipped or not, - for standard input,
    or a bundled name such as glider) in the terminal UI; with --bench it measures the engines on it instead.
    """
    options = EngineOptions(model, allow_inexact, threads, devices)
    if plane and seed_experiment:
        raise UsageError("--seed-experiment runs the published 512x512 torus; leave out --plane")
    if seed_experiment:  # its own board: a PATTERN given is not read
        from lifetui.bench.report import bench_command, seed_experiment_board

        name, board = seed_experiment_board()
        sys.exit(bench_command(name, board, list(engines), steps, seconds, options, as_json, seed_experiment=True))
    if pattern is None:
        raise click.UsageError("Missing argument 'PATTERN'.", click.get_current_context())
    loaded = load_pattern(pattern)
    if bench:  # a benchmark's board is a torus (the pattern's, else the default size) or the plane
        board = board_for(loaded, size, rule, plane=True) if plane else torus_board(loaded, size, rule)
        _warn(loaded)
        from lifetui.bench.report import bench_command

        sys.exit(bench_command(pattern, board, list(engines), steps, seconds, options, as_json, seed_experiment=False))
    board = board_for(loaded, size, rule, plane)  # as open_board: the pattern is read once, for --bench too
    from lifetui.tui.app import LifeApp

    if pattern == "-" and not sys.stdin.isatty():
        _keyboard_from_terminal()
    LifeApp(board, loaded.name or pattern, loaded.author, engines[0] if engines else None, options,
            loaded.warnings).run()  # fmt: skip


@commands.command()
@click.argument("pattern")
@click.option("--steps", type=click.IntRange(0, MAX_STEPS),
              help="Generations to advance (with --until-stable, at most; default 1,000,000).")  # fmt: skip
@click.option("--until-stable", is_flag=True,
              help="Stop once the board repeats (extinct, still, oscillating, travelling): say which.")  # fmt: skip
@click.option("--engine", type=ENGINE_CHOICE,
              help="Engine to run (default: the fastest exact one here, named on stderr).")  # fmt: skip
@board_options
@click.option("--plane", is_flag=True,
              help="Run on the unbounded plane (hashlife holds it; the others follow the pattern).")  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the final board here (a picture: .png, .svg; the run: .gif, .webp, .apng).")  # fmt: skip
@click.option("--format", "picture_format", type=click.Choice([suffix[1:] for suffix in pictures.SUFFIXES]),
              help="Draw this picture whatever -o's name (-o /dev/stdout; standard output without -o).")  # fmt: skip
@click.option("--every", type=click.IntRange(1, MAX_STEPS), metavar="K",
              help="An animation's frames: one every K generations, and the last (default 1).")  # fmt: skip
@click.option("--window", callback=_parsed(pictures.parse_window), metavar="X,Y,W,H",
              help="A picture's view: W x H cells from the cell X,Y (default: fitted to the live cells).")  # fmt: skip
@click.option("--cell-size", "scale", callback=_parsed(pictures.Scale.parse), metavar="PX|1:N",
              help="A picture's scale: PX pixels a cell, or 1:N a pixel for N x N cells (default: up to "
                   f"{pictures.AUTO_CELL}, within {pictures.AUTO_SIDE} pixels a side).")  # fmt: skip
@click.option("--colors", "colours", callback=_parsed(pictures.Colours.parse), metavar="LIVE,DEAD",
              help="A picture's colours in hex (default Golly's: ffffff,303030; a multi-state rule's other states "
                   "keep Golly's).")  # fmt: skip
@click.option("--frame-ms", type=click.IntRange(1, pictures.MAX_FRAME_MS), metavar="MS",
              help=f"How long an animation shows each frame, in ms (default {pictures.FRAME_MS}).")  # fmt: skip
@DEVICES
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary instead of the board.")
def run(
    pattern: str,
    steps: int | None,
    until_stable: bool,
    engine: str | None,
    size,
    rule,
    model: Path | None,
    allow_inexact: bool,
    plane: bool,
    output: Path | None,
    picture_format: str | None,
    every: int | None,
    window: tuple[int, int, int, int] | None,
    scale: pictures.Scale | None,
    colours: pictures.Colours | None,
    frame_ms: int | None,
    devices: int,
    as_json: bool,
) -> None:
    """Advance PATTERN by --steps generations headless and write the final board as RLE (macrocell for -o X.mc, a
    picture for .png or .svg), or the run as an animation (.gif, .webp, .apng)."""
    if steps is None and not until_stable:
        raise click.UsageError("give --steps N, or --until-stable")
    if output is not None:
        refuse_other_format_name(output)
    picture = _picture_suffix(output, picture_format, as_json)
    _refuse_picture_options(output, picture, steps, every, window, scale, colours, frame_ms, until_stable)
    board = open_board(pattern, size, rule, plane)
    loaded, topology = board.pattern, board.topology
    _warn(loaded)
    if board.generation + (steps or 0) > MAX_GENERATION:
        raise click.UsageError(f"{pattern} is at generation {board.generation:,}: {steps:,} more would pass the last "
                               f"generation lifetui runs to and writes ({MAX_GENERATION:,})")  # fmt: skip
    if until_stable and not (topology.is_torus or topology.is_plane):
        raise click.UsageError(f"--until-stable runs on a torus or the plane, not {topology.suffix()}; give --size WxH")
    if window is not None:
        pictures.refuse_window(window, topology)
    life = Life(board, engine, EngineOptions(model, allow_inexact, devices=devices))
    for line in life.simulation.notes if sys.stderr.isatty() else ():  # a script reads the engine in --json's
        click.echo(f"lifetui: {line}", err=True)
    if life.inexact:  # said even with --json: a script must not take this board for the rule's
        click.echo(f"lifetui: warning: {life.engine} runs an inexact kernel (--allow-inexact), wrong on "
                   f"{life.inexact} of {neighbourhood_count(board.rule)} neighbourhoods: this is not {board.rule}'s "
                   "board", err=True)  # fmt: skip
    show = not as_json and sys.stderr.isatty()
    started = time.perf_counter()
    stability, stopped, animation = None, None, None
    if until_stable:
        limit = UNTIL_STABLE_STEPS if steps is None else steps
        if show:
            click.echo(f"lifetui: watching {pattern} for a repeat, up to {limit:,} generations (--steps N sets the"
                       " limit)", err=True)  # fmt: skip
        with progress_bar(limit, show) as advanced:
            stability = life.until_stable(limit, progress=advanced)
        steps = stability.generations
        if not as_json:
            click.echo(f"{pattern}: {stability.describe()}", err=True)
    elif picture in pictures.ANIMATIONS:
        assert steps is not None
        with progress_bar(steps, show) as advanced:
            animation = life.animation(steps, picture[1:], every=every or 1, window=window, cell_size=scale,
                                       colours=colours, frame_ms=frame_ms or pictures.FRAME_MS,
                                       progress=advanced)  # fmt: skip
    else:
        assert steps is not None  # refused above: without --until-stable, --steps is given
        try:
            with progress_bar(steps, show) as advanced:
                life.step(steps, progress=advanced)
        except Outgrown as err:  # more than this machine holds: what was reached is still written, then said
            stopped, steps = err, err.done
    seconds = time.perf_counter() - started

    def text() -> str | bytes:
        if animation is not None:
            return animation
        if picture is not None:
            return life.picture(picture[1:], window, cell_size=scale, colours=colours)
        return life.contents(output)

    top, left, height, width = life.box or (None, None, 0, 0)
    summary = {
        "pattern": pattern, "rule": str(board.rule), "topology": topology.suffix()[1:] or "plane",
        "width": width, "height": height, "top": top, "left": left, "engine": life.engine, "steps": steps,
        "generation": life.generation, "population": life.population, "seconds": round(seconds, 6),
        "output": str(output) if output else None, "inexact": life.inexact,
    }  # fmt: skip
    if stability is not None:
        summary["behaviour"] = stability.behaviour.as_json() if stability.behaviour else None
    _finish_run(output, as_json, text, summary)
    if stopped is not None:
        kept = f"; generation {life.generation:,} is written to {output}" if output else ""
        raise LifeError(f"{stopped}{kept}")


def _picture_suffix(output: Path | None, picture_format: str | None, as_json: bool) -> str | None:
    """The picture asked for, by the output's name or --format (which a name's own format may not contradict)."""
    named = pictures.picture_suffix(output)
    if picture_format is None:
        return named
    suffix = "." + picture_format
    if output is not None and output.suffix.lower() in {*pictures.SUFFIXES, ".rle", ".mc"} - {suffix}:
        raise click.UsageError(f"{output} names another format than --format {picture_format}")
    if output is None and as_json:
        raise click.UsageError("--format without -o draws on standard output, where --json writes: give -o FILE")
    return suffix


def _refuse_picture_options(output: Path | None, picture: str | None, steps: int | None, every: int | None, window,
                            scale, colours, frame_ms: int | None, until_stable: bool) -> None:  # fmt: skip
    """The picture options make sense only for a picture, --every and --frame-ms only for an animation, which
    needs --steps."""
    options = (("--every", every), ("--window", window), ("--cell-size", scale), ("--colors", colours),
               ("--frame-ms", frame_ms))  # fmt: skip
    given = [name for name, value in options if value is not None]
    if given and picture is None:
        if given[0] in ("--every", "--frame-ms"):
            raise click.UsageError(f"{given[0]} is for an animation: name the output (-o) .gif, .webp or .apng")
        raise click.UsageError(f"{given[0]} is for a picture: name the output (-o) .png or .svg, or .gif, .webp or "
                               ".apng for the run")  # fmt: skip
    if every is not None and picture in pictures.STILLS:
        raise click.UsageError(f"--every K draws a frame every K generations into an animation (-o X.gif, .webp "
                               f"or .apng); {output} is a still of the last generation")  # fmt: skip
    if frame_ms is not None and picture in pictures.STILLS:
        raise click.UsageError(f"--frame-ms is how long each frame of an animation shows (-o X.gif, .webp or "
                               f".apng); {output} is a still of the last generation")  # fmt: skip
    if until_stable and picture in pictures.ANIMATIONS:
        raise click.UsageError("an animation runs --steps N generations, not --until-stable")
    if picture in pictures.ANIMATIONS and steps is not None:
        pictures.frame_offsets(steps, every or 1)  # too many frames: refused before the run
    if picture is not None:
        pictures.refuse_unwritable(picture)  # before the run


def _finish_run(output: Path | None, as_json: bool, text: Callable[[], str | bytes], summary: dict) -> None:
    """The final board into `output`, or on stdout without --json (--json alone makes no board text); then,
    with --json, the summary."""
    if output is not None:
        write_atomically(output, text())
    elif not as_json:
        click.echo(text(), nl=False)  # a picture's bytes too (--format)
    if as_json:
        click.echo(json.dumps(summary))


@commands.command()
@click.option("--rule", callback=_rule, default="B3/S23", show_default=True, help="Rule to check engines for.")
@kernel_option("Trained kernel folder for jax and c (--model: the old name).")
@click.option("--allow-inexact", is_flag=True, help="Count a kernel that is wrong somewhere as usable.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def engines(rule: RuleSpec, model: Path | None, allow_inexact: bool, as_json: bool) -> None:
    """List the step engines, whether each can run here, and why not."""
    rows = []
    for name, status in available_engines(rule.rule, EngineOptions(model, allow_inexact)).items():
        row = {"engine": name, "available": status.available, "summary": ENGINES[name].summary}
        if not status.available:
            row["reason"] = status.reason
        rows.append(row)
    if as_json:
        click.echo(json.dumps({"rule": str(rule.rule), "engines": rows}))
        return
    for row in rows:
        mark = "yes" if row["available"] else "no "
        click.echo(f"{row['engine']:<10} {mark}  {row['summary']}")
        if not row["available"]:
            click.echo(f"{'':<15}{row['reason']}")


@commands.command()
@click.option("--rule", callback=_learnable_rule, default="B3/S23", show_default=True, help="Rule to learn.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="First seed to try.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Kernel folder to write.")
@click.option(
    "--train-steps",
    "--steps",
    "steps",
    type=click.IntRange(min=1),
    default=DEFAULT_TRAIN_STEPS,
    show_default=True,
    help="Most optimiser steps per seed (--steps: the old name; elsewhere --steps counts generations).",
)
@click.option(
    "--seeds",
    type=click.IntRange(min=1),
    default=DEFAULT_TRAIN_SEEDS,
    show_default=True,
    help="Most seeds to try before giving up.",
)
@click.option(
    "--layers",
    callback=_layers,
    help="Gates per layer, comma-separated, ending in one per bit of a state "
    f"[default: {','.join(map(str, DEFAULT_LAYERS))}, its last 1 a 2 for 3 or 4 states].",
)
@click.option(
    "--parallel",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Seeds trained at once (vectorised: one computation, a batch of networks); the first exact one wins.",
)
@click.option("--keep-inexact", is_flag=True, help="If no seed is exact, save the best one, marked inexact.")
@click.option(
    "--parts",
    "in_parts",
    is_flag=True,
    help="Learn a rule of 3 or 4 states as a network in parts, in seconds rather than minutes (always so for 5 or "
    "more states and LifeHistory); --layers are then those of its two-state part.",
)
def train(rule: RuleSpec, seed: int, out: Path | None, steps: int, seeds: int, layers: tuple[int, ...] | None,
          parallel: int, keep_inexact: bool, in_parts: bool) -> None:  # fmt: skip
    """Train a gate network until it is exact on every neighbourhood of --rule that can occur (all 512 of a
    two-state rule; states^9 of a Generations rule's state bits, other codes being don't-cares), and save it."""
    from lifetui.model.interrupts import deferred_interrupts

    if in_parts and not rule.rule.multi_state:
        raise click.BadParameter(f"{rule.rule} is a two-state rule, learned as one network", param_hint="'--parts'")
    in_parts = in_parts or factored(rule.rule)
    layers = layers or (DEFAULT_LAYERS if in_parts else default_layers(rule.rule))
    if in_parts:  # learned in parts: --layers are those of its rule part, a two-state network's
        problem = layer_sizes_problem(layers, 1)
        about = f"{rule.rule} is learned in parts, and these are the layers of its rule part, one output"
    else:
        problem = layer_sizes_problem(layers, state_bits(rule.rule.states))
        about = f"one output per bit of {rule.rule}'s states"
    if problem:
        raise click.BadParameter(f"{problem} ({about})", param_hint="'--layers'")

    folder = refuse_kernel_folder(out or user_kernels_dir() / rule.rule.slug)  # before minutes of training
    if physical_memory() < JAX_LEAST_MEMORY:  # XLA would abort the process, not raise
        raise LifeError(f"training runs in JAX, which needs {JAX_LEAST_MEMORY / 2**30:.0f} GiB of address space; "
                        f"this process may use {physical_memory() / 2**30:.1f} GiB (ulimit -v)")  # fmt: skip
    with deferred_interrupts() as interrupted:  # from before JAX's import, which a Ctrl-C could leave half done
        from lifetui.model.training import train_kernel

        if interrupted.is_set():
            raise KeyboardInterrupt
        train_kernel(rule.rule, seed, folder, steps, seeds, layers, keep_inexact, parallel, in_parts)


@commands.command()
@kernel_option("Trained kernel folder (default: the one for --rule; --model: the old name).")
@click.option(
    "--rule", callback=_learnable_rule, help="Rule whose kernel to check (default: the kernel's own, or B3/S23)."
)
def verify(model: Path | None, rule: RuleSpec | None) -> None:
    """Check a trained kernel against its rule on every neighbourhood that can occur (all 512 of a two-state rule;
    of a Generations rule, those of its states, not the codes of states it lacks)."""
    from lifetui.compiler.pipeline import CompiledStates, compile_network

    kernel = _chosen_kernel(model, rule)
    target = rule.rule if rule else kernel.rule
    bits = state_bits(target.states)
    problem = shape_problem(kernel.network, target)
    if problem:
        raise UsageError(f"kernel {kernel.path} is for {kernel.rule}: {problem}")
    wrong = mistakes(kernel.network, target)
    compiled = compile_network(kernel.network, target)
    count = neighbourhood_count(target)
    click.echo(f"kernel: {kernel.path} ({kernel.rule}, {kernel.network.gate_count} gates)")
    click.echo(f"network: {count - wrong.count}/{count} exact")
    if isinstance(compiled, CompiledStates):
        click.echo(f"circuit: {count - compiled.wrong_count}/{count} exact ({compiled.describe()})")
    else:
        click.echo(f"circuit: {count - compiled.wrong_count}/{count} exact (-O2: {compiled.circuit.size} gates, "
                   f"depth {compiled.circuit.depth()}; default: {compiled.describe()})")  # fmt: skip
    if wrong.count:
        click.echo(f"wrong on {wrong.count} neighbourhoods (rows NW N NE / W C E / SW S SE; rule says, network says):")
        cells = wrong.listed.T  # (9, listed)
        expected = next_states(target, cells)
        got = _states_of(kernel.network.evaluate(cells_to_inputs(cells, bits)))
        listed = len(expected) if bits == 1 else min(len(expected), LISTED_WRONG)  # multi-state: thousands
        width = len(str(2 ** (9 * bits)))
        for number in range(listed):
            states = [int(state) for state in cells[:, number]]
            index = sum(((state >> p) & 1) << (9 * p + k) for k, state in enumerate(states) for p in range(bits))
            rows = " / ".join("".join(_symbol(state, bits) for state in states[row * 3 : row * 3 + 3])
                              for row in range(3))  # fmt: skip
            click.echo(f"  #{index:{width}d}  {rows}  rule {expected[number]}, network {got[number]}")
        if wrong.count > listed:
            click.echo(f"  ... and {wrong.count - listed:,} more")
        sys.exit(1)


#: The wrong neighbourhoods `verify` lists of a multi-state kernel (a two-state one's are at most 512).
LISTED_WRONG = 100


def _symbol(state: int, bits: int) -> str:
    """A state as verify draws it: . and O for two states, else . and A, B, ... (Golly's letters up to X)."""
    if bits == 1:
        return ".O"[state]
    return "." if state == 0 else chr(ord("A") + state - 1) if state <= 24 else f"({state})"


def _states_of(bits: np.ndarray) -> list[int]:
    """(bits, n) 0/1 as n states."""
    return [int(value) for value in sum(bits[p].astype(np.int64) << p for p in range(len(bits)))]


@commands.command("compile")
@kernel_option("Trained kernel folder (default: the one for --rule; --model: the old name).")
@click.option(
    "--rule", callback=_learnable_rule, help="Rule whose kernel to compile (default: the kernel's, or B3/S23)."
)
@click.option("-O", "level", type=click.IntRange(0, 3), default=3, show_default=True,
              help="Optimisation level: 0 every gate, 1 dead gates and copies gone, 2 constants folded and equal "
                   "nodes merged, 3 resynthesised from the truth table (as a stencil sharing row "
                   "sums where smaller).")  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the C source here.")
@click.option("--allow-inexact", is_flag=True, help="Emit a circuit even when it is wrong on some neighbourhoods.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def compile_command(model: Path | None, rule: RuleSpec | None, level: int, output: Path | None,
                    allow_inexact: bool, as_json: bool) -> None:  # fmt: skip
    """Extract the trained network's circuit, optimise it, verify it on every neighbourhood that can occur, emit C
    (a multi-state rule's: a circuit per bit of the state, for the planes runtime)."""
    from lifetui.compiler.pipeline import compile_network

    kernel = _chosen_kernel(model, rule)
    target = rule.rule if rule else kernel.rule
    problem = shape_problem(kernel.network, target)
    if problem:
        raise UsageError(f"kernel {kernel.path} is for {kernel.rule}: {problem}")
    compiled = compile_network(kernel.network, target, level)
    refuse_inexact(compiled.wrong_count, target, allow_inexact)
    if output is not None:
        write_atomically(output, compiled.source())
    if as_json:
        click.echo(json.dumps(compiled.summary()))
    else:
        wrong = compiled.wrong_count
        count = neighbourhood_count(target)
        status = f"WRONG on {wrong} neighbourhoods" if wrong else f"verified on all {count:,} neighbourhoods"
        click.echo(f"{target} -O{level}: {compiled.network_gates} network gates -> {compiled.describe()}, {status}")


def _chosen_kernel(model: Path | None, rule: RuleSpec | None) -> Kernel:
    """--model as it is (verify may check it against another rule), else the kernel for --rule or B3/S23."""
    return load_kernel(model) if model is not None else kernel_for(rule.rule if rule else CONWAY)


def main() -> None:
    """Run the CLI; every error the user can cause becomes one line and an exit status, never a traceback.

    `lifetui PATTERN` opens the pattern; `lifetui COMMAND` runs one of `commands`.
    """
    arguments = sys.argv[1:]
    command = commands if arguments and arguments[0] in commands.commands else open_pattern
    if sys.stdout is None:  # started with standard output closed: output must fail, not vanish
        sys.stdout = _ClosedOutput()
    try:
        code = command.main(arguments, prog_name="lifetui", standalone_mode=False)
        sys.stdout.flush()  # a full disk shows here, while an error can still be reported
    except click.exceptions.NoArgsIsHelpError as err:
        click.echo(err.ctx.get_help() if err.ctx else "usage: lifetui PATTERN (see lifetui --help)")
        sys.exit(0)
    except click.UsageError as err:
        command = err.ctx.command_path if err.ctx else "lifetui"
        click.echo(f"lifetui: error: {err.format_message()} (see {command} --help)", err=True)
        sys.exit(UsageError.exit_code)
    except click.ClickException as err:
        click.echo(f"lifetui: error: {err.format_message()}", err=True)
        sys.exit(err.exit_code)
    except LifeError as err:
        click.echo(f"lifetui: error: {err}", err=True)
        sys.exit(err.exit_code)
    except click.Abort:
        sys.exit(130)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(1)
    except MemoryError:  # what no size check foresaw (a limit set by ulimit -v): said, not a traceback
        click.echo("lifetui: error: out of memory (this machine's, or a limit such as ulimit -v)", err=True)
        sys.exit(1)
    except OSError as err:  # standard output on a full disk, or closed
        _quietly_drop_stdout()
        click.echo(f"lifetui: error: cannot write the output: {err.strerror or err}", err=True)
        sys.exit(1)
    sys.exit(code or 0)


class _ClosedOutput(io.TextIOBase):
    """Standard output when the process started without one: writing to it is an error."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def _quietly_drop_stdout() -> None:
    """After a failed write, what is still buffered would fail again at exit, with a traceback."""
    with contextlib.suppress(OSError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
