"""Trained kernels on disk: the gate network's wiring and logits, its metadata, validation and lookup.

Numpy only: the circuit compiler and `verify` read kernels without JAX. A kernel folder is untrusted
input: every file is size-checked, loaded without pickle, and validated before anything uses it.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import platformdirs

from lifetui.errors import LifeError
from lifetui.files import current_umask as _current_umask
from lifetui.gates import GATE_COUNT, apply_gates
from lifetui.rules import NEIGHBOURHOOD, Rule, parse_rule

INPUTS = len(NEIGHBOURHOOD)
DEFAULT_LAYERS = (128,) * 17 + (64, 32, 16, 8, 4, 2, 1)
FORMAT = 1
NETWORK_FILE = "network.npz"
METADATA_FILE = "kernel.json"
MAX_LAYERS = 64
MAX_LAYER_WIDTH = 4096
MAX_FILE_BYTES = 32 * 2**20


class KernelError(LifeError):
    """A kernel folder that is missing, damaged or hostile."""


@dataclass
class Network:
    """Layers of two-input gates: layer i's gate j reads wires a[j] and b[j] of layer i-1 (the 9 inputs first)."""

    wires_a: list[np.ndarray]
    wires_b: list[np.ndarray]
    logits: list[np.ndarray]  # (gates, 16) float32 per layer

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return tuple(len(a) for a in self.wires_a)

    @property
    def gate_count(self) -> int:
        return sum(self.layer_sizes)

    def gates(self) -> list[np.ndarray]:
        """The hardened network: each gate's most likely type."""
        return [np.argmax(logits, axis=1).astype(np.uint8) for logits in self.logits]

    def evaluate(self, inputs: np.ndarray) -> np.ndarray:
        """The hardened network on 0/1 inputs of shape (9, ...); returns the output, shape (...)."""
        values = inputs.astype(np.uint8)
        for gates, a, b in zip(self.gates(), self.wires_a, self.wires_b):
            values = apply_gates(gates, values[a], values[b])
        return values[0]


@dataclass
class Kernel:
    network: Network
    metadata: dict = field(default_factory=dict)
    path: Path | None = None

    @property
    def rule(self) -> Rule:
        return parse_rule(self.metadata["rule"]).rule


def random_wiring(layer_sizes: tuple[int, ...], seed: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Fixed wiring: the first layer sees every pair of inputs; every later wire is read at least once."""
    rng = np.random.default_rng(seed)
    wires_a, wires_b = [], []
    width = INPUTS
    for depth, size in enumerate(layer_sizes):
        if depth == 0:
            pairs = np.array([(i, j) for i in range(width) for j in range(i + 1, width)])
            order = np.concatenate([rng.permutation(len(pairs)) for _ in range(-(-size // len(pairs)))])[:size]
            chosen = pairs[order]
            flip = rng.random(size) < 0.5
            a, b = np.where(flip, chosen[:, 1], chosen[:, 0]), np.where(flip, chosen[:, 0], chosen[:, 1])
        else:
            slots = np.concatenate([rng.permutation(width) for _ in range(-(-2 * size // width))])[: 2 * size]
            a, b = slots[:size], slots[size:]
        wires_a.append(a.astype(np.int32))
        wires_b.append(b.astype(np.int32))
        width = size
    return wires_a, wires_b


def neighbourhoods() -> np.ndarray:
    """All 512 neighbourhoods as (9, 512) 0/1: column n holds bit k of n in row k (NEIGHBOURHOOD order)."""
    index = np.arange(512)
    return ((index[None, :] >> np.arange(INPUTS)[:, None]) & 1).astype(np.uint8)


def wrong_neighbourhoods(network: Network, rule: Rule) -> np.ndarray:
    """The neighbourhood indices where the hardened network disagrees with the rule."""
    return np.nonzero(network.evaluate(neighbourhoods()) != rule.truth_table())[0]


# Locating kernels.


def user_kernels_dir() -> Path:
    return Path(platformdirs.user_data_dir("lifetui")) / "kernels"


def shipped_kernel_dir(rule: Rule) -> Path | None:
    folder = resources.files("lifetui.bundled_kernels") / rule.slug
    return Path(str(folder)) if folder.is_dir() else None


def find_kernel(rule: Rule, model: Path | None = None) -> Path | None:
    """The kernel folder for a rule: --model, else the shipped one, else the user's trained one."""
    if model is not None:
        return model
    shipped = shipped_kernel_dir(rule)
    if shipped is not None:
        return shipped
    trained = user_kernels_dir() / rule.slug
    return trained if trained.is_dir() else None


def missing_kernel_reason(rule: Rule) -> str:
    return f"no trained kernel for {rule}; train one with: lifetui train --rule {rule}"


# Reading and writing.


def save_kernel(folder: Path, network: Network, metadata: dict) -> None:
    """Write the kernel folder whole or not at all: build it beside the target, then rename it in."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".tmp"))
    try:
        staging.chmod(0o777 & ~_current_umask())
        arrays = {}
        for i, (a, b, logits) in enumerate(zip(network.wires_a, network.wires_b, network.logits)):
            arrays[f"layer{i:02d}_a"] = a.astype(np.int32)
            arrays[f"layer{i:02d}_b"] = b.astype(np.int32)
            arrays[f"layer{i:02d}_logits"] = logits.astype(np.float32)
        np.savez_compressed(staging / NETWORK_FILE, **arrays)
        document = {"format": FORMAT, "layers": list(network.layer_sizes), **metadata}
        (staging / METADATA_FILE).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        replaced = None
        if folder.exists():
            replaced = folder.with_name(f".{folder.name}.old")
            shutil.rmtree(replaced, ignore_errors=True)
            os.replace(folder, replaced)
        os.replace(staging, folder)
        if replaced is not None:
            shutil.rmtree(replaced, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def load_kernel(folder: Path) -> Kernel:
    """Read and validate a kernel folder; KernelError says what is wrong with it."""
    folder = Path(folder)
    if not folder.is_dir():
        raise KernelError(f"{folder}: no such kernel folder")
    metadata = _load_metadata(folder / METADATA_FILE)
    network = _load_network(folder / NETWORK_FILE, metadata["layers"])
    return Kernel(network, metadata, folder)


def _read_bounded(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise KernelError(f"{path}: {size} bytes is larger than any kernel file ({MAX_FILE_BYTES})")
        return path.read_bytes()
    except OSError as err:
        raise KernelError(f"{path}: cannot read: {err.strerror or err}") from None


def _load_metadata(path: Path) -> dict:
    try:
        document = json.loads(_read_bounded(path).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise KernelError(f"{path}: not valid JSON ({err})") from None
    if not isinstance(document, dict):
        raise KernelError(f"{path}: expected a JSON object")
    if document.get("format") != FORMAT:
        raise KernelError(f"{path}: unknown kernel format {document.get('format')!r} (expected {FORMAT})")
    rule = document.get("rule")
    if not isinstance(rule, str):
        raise KernelError(f"{path}: 'rule' must be a string")
    try:
        parse_rule(rule)
    except LifeError as err:
        raise KernelError(f"{path}: {err}") from None
    layers = document.get("layers")
    if (
        not isinstance(layers, list)
        or not 1 <= len(layers) <= MAX_LAYERS
        or not all(type(size) is int and 1 <= size <= MAX_LAYER_WIDTH for size in layers)
        or layers[-1] != 1
    ):
        raise KernelError(
            f"{path}: 'layers' must list 1 to {MAX_LAYERS} layer widths of 1..{MAX_LAYER_WIDTH}, ending in 1"
        )
    return document


def _load_network(path: Path, layers: list[int]) -> Network:
    expected = {f"layer{i:02d}_{part}" for i in range(len(layers)) for part in ("a", "b", "logits")}
    data = _read_bounded(path)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if sum(entry.file_size for entry in entries) > 4 * MAX_FILE_BYTES:
                raise KernelError(f"{path}: unpacks to more than {4 * MAX_FILE_BYTES} bytes")
            names = {entry.filename.removesuffix(".npy") for entry in entries}
            if names != expected:
                raise KernelError(f"{path}: expected arrays {sorted(expected)[:3]}..., found {sorted(names)[:3]}...")
        arrays = np.load(io.BytesIO(data), allow_pickle=False)
        loaded = {name: arrays[name] for name in expected}
    except KernelError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as err:
        raise KernelError(f"{path}: not a readable network file ({err})") from None
    wires_a, wires_b, all_logits = [], [], []
    width = INPUTS
    for i, size in enumerate(layers):
        a, b, logits = (loaded[f"layer{i:02d}_{part}"] for part in ("a", "b", "logits"))
        for name, wires in (("a", a), ("b", b)):
            if wires.shape != (size,) or not np.issubdtype(wires.dtype, np.integer):
                raise KernelError(f"{path}: layer {i} wires {name} must be {size} integers")
            if len(wires) and (wires.min() < 0 or wires.max() >= width):
                raise KernelError(f"{path}: layer {i} wire {name} reads outside 0..{width - 1}")
        if logits.shape != (size, GATE_COUNT) or not np.issubdtype(logits.dtype, np.floating):
            raise KernelError(f"{path}: layer {i} logits must be {size} x {GATE_COUNT} floats")
        if not np.isfinite(logits).all():
            raise KernelError(f"{path}: layer {i} logits are not all finite")
        wires_a.append(a.astype(np.intp))
        wires_b.append(b.astype(np.intp))
        all_logits.append(logits.astype(np.float32))
        width = size
    return Network(wires_a, wires_b, all_logits)


def kernel_for(rule: Rule, model: Path | None = None) -> Kernel:
    """The validated kernel that runs `rule`; KernelError explains why there is none."""
    path = find_kernel(rule, model)
    if path is None:
        raise KernelError(missing_kernel_reason(rule))
    kernel = load_kernel(path)
    if kernel.rule != rule:
        raise KernelError(f"kernel {path} is for {kernel.rule}, not {rule}")
    return kernel
