"""Kernels: a trained network in its folder (`kernels/<rule>/`), with its metadata; saving, loading, lookup.

A kernel folder is untrusted input: every file is size-checked, loaded without pickle, and validated
before anything uses it. Numpy only: the compiler and `verify` read kernels without JAX.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import platformdirs

from lifetui.errors import LifeError, UsageError
from lifetui.files import current_umask as _current_umask
from lifetui.model.factored import FactoredNetwork, Mistakes, part_cases, part_names
from lifetui.model.gates import GATE_COUNT
from lifetui.model.network import (
    INPUTS,
    Network,
    factored,
    layer_sizes_problem,
    learnable_problem,
    neighbourhood_count,
    state_bits,
)
from lifetui.rules import Rule, parse_rule

FORMAT = 1
NETWORK_FILE = "network.npz"
METADATA_FILE = "kernel.json"
MAX_FILE_BYTES = 32 * 2**20


class KernelError(UsageError):
    """A kernel folder that is missing, damaged, hostile or for another rule: bad input (exit status 2)."""


class InexactKernel(KernelError):
    """A kernel that departs from its rule somewhere, used without --allow-inexact."""


def refuse_inexact(wrong: int, rule: Rule, allow_inexact: bool) -> None:
    """The one policy for a kernel wrong on `wrong` neighbourhoods: refused, unless --allow-inexact."""
    if wrong and not allow_inexact:
        raise InexactKernel(
            f"the kernel for {rule} is wrong on {wrong} of {neighbourhood_count(rule)} neighbourhoods (lifetui "
            f"verify lists them); "
            f"--allow-inexact uses it anyway"
        )


@dataclass
class Kernel:
    """A trained network, the metadata it was saved with (rule, seed, steps, ...), and where it came from."""

    network: Network | FactoredNetwork  # a rule of 5 or more states, or a History rule: in parts
    metadata: dict = field(default_factory=dict)
    path: Path | None = None
    #: The neighbourhoods the network gets wrong, by rule, once checked: a multi-state rule's 262,144 take a
    #: second or two, and every key press in the TUI asks the learned engines' availability again.
    checked: dict[Rule, Mistakes] = field(default_factory=dict, repr=False, compare=False)

    @property
    def rule(self) -> Rule:
        return parse_rule(self.metadata["rule"]).rule


# Locating kernels.


def user_kernels_dir() -> Path:
    return Path(platformdirs.user_data_dir("lifetui")) / "kernels"


def shipped_kernel_dir(rule: Rule) -> Path | None:
    folder = resources.files("lifetui.bundled_kernels") / rule.slug
    return Path(str(folder)) if folder.is_dir() else None


def find_kernel(rule: Rule, model: Path | None = None) -> Path:
    """The kernel folder for a rule: --model, else the shipped one, else the user's trained one."""
    if model is not None:
        return model
    shipped = shipped_kernel_dir(rule)
    if shipped is not None:
        return shipped
    trained = user_kernels_dir() / rule.slug
    if not trained.is_dir():
        raise KernelError(f"no trained kernel for {rule}; train one with: lifetui train --rule {rule}")
    return trained


def kernel_for(rule: Rule, model: Path | None = None) -> Kernel:
    """The validated kernel that runs `rule`; KernelError explains why there is none."""
    path = find_kernel(rule, model)
    kernel = load_kernel(path)
    if kernel.rule != rule:
        raise KernelError(f"kernel {path} is for {kernel.rule}, not {rule}")
    return kernel


# Reading and writing.


def refuse_kernel_folder(folder: Path) -> Path:
    """Before training, the folder its kernel will go to (absolute), refused when writing it there would lose
    something or fail: the current folder or one above it, a file, a folder holding anything but a kernel's
    own files (UsageError), or a parent folder that cannot be written (LifeError)."""
    folder = Path(os.path.abspath(folder))
    here = Path.cwd()
    if folder == here or folder in here.parents:
        raise UsageError(f"--out {folder}: that is the current folder or one above it; name a folder for the kernel")
    if folder.exists():
        if not folder.is_dir():
            raise UsageError(f"--out {folder}: it is a file, not a folder")
        others = sorted(entry.name for entry in folder.iterdir() if entry.name not in (NETWORK_FILE, METADATA_FILE))
        if others:
            shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
            raise UsageError(f"--out {folder}: it holds other files ({shown}); a kernel goes to a new or empty "
                             "folder, or replaces one that holds only a kernel")  # fmt: skip
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        os.rmdir(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".probe"))
    except OSError as err:
        raise LifeError(f"cannot write a kernel to {folder}: {err.strerror or err}") from None
    return folder


def save_kernel(folder: Path, network: Network | FactoredNetwork, metadata: dict) -> None:
    """Write the kernel folder whole or not at all: build it beside the target, then rename it in (a folder
    holding only a kernel is replaced). OSError becomes LifeError, the target as it was."""
    try:
        _save_kernel(Path(os.path.abspath(folder)), network, metadata)
    except OSError as err:
        raise LifeError(f"cannot write the kernel to {folder}: {err.strerror or err}") from None


def _save_kernel(folder: Path, network: Network | FactoredNetwork, metadata: dict) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".tmp"))
    try:
        staging.chmod(0o777 & ~_current_umask())
        if isinstance(network, FactoredNetwork):
            arrays: dict[str, Any] = {
                key: array for name, part in network.parts.items() for key, array in _arrays(part, name).items()
            }
            document = {"format": FORMAT, "parts": network.part_sizes, **metadata}
        else:
            arrays = _arrays(network)
            document = {"format": FORMAT, "layers": list(network.layer_sizes), **metadata}
        np.savez_compressed(staging / NETWORK_FILE, **arrays)
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


def _arrays(network: Network, part: str = "") -> dict[str, np.ndarray]:
    """A network's arrays as network.npz names them: `layer00_a`, or `cell_layer00_a` for a part."""
    prefix = f"{part}_" if part else ""
    arrays = {}
    for i, (a, b, logits) in enumerate(zip(network.wires_a, network.wires_b, network.logits)):
        arrays[f"{prefix}layer{i:02d}_a"] = a.astype(np.int32)
        arrays[f"{prefix}layer{i:02d}_b"] = b.astype(np.int32)
        arrays[f"{prefix}layer{i:02d}_logits"] = logits.astype(np.float32)
    return arrays


def load_kernel(folder: Path) -> Kernel:
    """Read and validate a kernel folder; KernelError says what is wrong with it.

    A folder whose files are unchanged since the last load (same size, inode and modification time) is
    not read again: checking availability and then starting an engine validate the kernel once.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise KernelError(f"{folder}: no such kernel folder")
    try:
        stamp = tuple(
            (stat.st_ino, stat.st_size, stat.st_mtime_ns)
            for stat in ((folder / name).stat() for name in (METADATA_FILE, NETWORK_FILE))
        )
    except OSError:
        stamp = None  # a missing file: the full read below says which
    key = folder.resolve()
    cached = _loaded.get(key)
    if stamp is not None and cached is not None and cached[0] == stamp:
        return cached[1]
    metadata = _load_metadata(folder / METADATA_FILE)
    rule = parse_rule(metadata["rule"]).rule
    planes = state_bits(rule.states)
    network: Network | FactoredNetwork
    if "parts" in metadata:
        sizes = metadata["parts"]
        names = {f"{name}_layer{i:02d}_{kind}" for name in sizes for i in range(len(sizes[name]))
                 for kind in ("a", "b", "logits")}  # fmt: skip
        loaded = _load_arrays(folder / NETWORK_FILE, names)
        inputs = {name: len(part_cases(rule, name)[0]) for name in sizes}
        parts = {name: _network(folder / NETWORK_FILE, loaded, f"{name}_", sizes[name], inputs[name]) for name in sizes}
        network = FactoredNetwork(parts, planes)
    else:
        layers = metadata["layers"]
        names = {f"layer{i:02d}_{kind}" for i in range(len(layers)) for kind in ("a", "b", "logits")}
        loaded = _load_arrays(folder / NETWORK_FILE, names)
        network = _network(folder / NETWORK_FILE, loaded, "", layers, INPUTS * planes)
    kernel = Kernel(network, metadata, folder)
    if stamp is not None:
        _loaded[key] = (stamp, kernel)
    return kernel


#: Validated kernels by folder, with the file stamps they were read at.
_loaded: dict[Path, tuple[tuple, Kernel]] = {}


def _read_bounded(path: Path) -> bytes:
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # /dev/zero or a FIFO would never end
            raise KernelError(f"{path}: not a regular file")
        size = status.st_size
        if size > MAX_FILE_BYTES:
            raise KernelError(f"{path}: {size} bytes is larger than any kernel file ({MAX_FILE_BYTES})")
        return path.read_bytes()
    except OSError as err:
        raise KernelError(f"{path}: cannot read: {err.strerror or err}") from None


def _load_metadata(path: Path) -> dict:
    try:
        document = json.loads(_read_bounded(path).decode("utf-8"))
    except (ValueError, RecursionError) as err:  # bad JSON, bad UTF-8, a number of thousands of digits
        raise KernelError(f"{path}: not valid JSON ({str(err)[:80]})") from None
    if not isinstance(document, dict):
        raise KernelError(f"{path}: expected a JSON object")
    if document.get("format") != FORMAT:
        raise KernelError(f"{path}: unknown kernel format {document.get('format')!r} (expected {FORMAT})")
    rule = document.get("rule")
    if not isinstance(rule, str):
        raise KernelError(f"{path}: 'rule' must be a string")
    try:
        parsed = parse_rule(rule).rule
    except LifeError as err:
        raise KernelError(f"{path}: {err}") from None
    if parsed.ltl is not None:
        raise KernelError(f"{path}: a kernel for {parsed}, a Larger than Life rule; kernels are of 3x3 rules")
    problem = learnable_problem(parsed)
    if problem:
        raise KernelError(f"{path}: a kernel for {parsed}: {problem}")
    if parsed.multi_state and document.get("states") != parsed.states:
        raise KernelError(f"{path}: 'states' must be {parsed.states}, the states of {parsed}")
    if "parts" in document and not parsed.multi_state:
        raise KernelError(f"{path}: a kernel for {parsed}, a two-state rule, is one network: 'parts' is for rules "
                          "of several states")  # fmt: skip
    if factored(parsed) or "parts" in document:
        parts = document.get("parts")
        names = part_names(parsed)
        if not isinstance(parts, dict) or sorted(parts) != sorted(names):
            raise KernelError(f"{path}: a kernel for {parsed} is in parts: 'parts' must give the layers of "
                              f"{', '.join(names)}")  # fmt: skip
        for name in names:
            problem = layer_sizes_problem(parts[name], len(part_cases(parsed, name)[1]))
            if problem:
                raise KernelError(f"{path}: the layers of part '{name}' {problem}")
        return document
    layers = document.get("layers")
    problem = layer_sizes_problem(layers, state_bits(parsed.states))
    if problem:
        raise KernelError(f"{path}: 'layers' {problem}")
    return document


def _load_arrays(path: Path, expected: set[str]) -> dict[str, np.ndarray]:
    """The arrays of a network file, which must be exactly `expected`, each checked before numpy allocates it."""
    data = _read_bounded(path)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if sum(entry.file_size for entry in entries) > 4 * MAX_FILE_BYTES:
                raise KernelError(f"{path}: unpacks to more than {4 * MAX_FILE_BYTES} bytes")
            names = {entry.filename.removesuffix(".npy") for entry in entries}
            if names != expected:
                missing, extra = sorted(expected - names), sorted(names - expected)
                said = [f"{label} {', '.join(found[:3])}{', ...' if len(found) > 3 else ''}"
                        for label, found in (("missing", missing), ("unexpected", extra)) if found]  # fmt: skip
                raise KernelError(f"{path}: not the arrays kernel.json's layers make: {'; '.join(said)}")
            for entry in entries:
                # The header says how much numpy will allocate: read it before numpy does.
                with archive.open(entry) as member:
                    version = np.lib.format.read_magic(member)
                    header = np.lib.format.read_array_header_1_0 if version == (1, 0) else \
                        np.lib.format.read_array_header_2_0  # fmt: skip
                    shape, _, dtype = header(member)
                if int(np.prod(shape, dtype=object)) * dtype.itemsize > 4 * MAX_FILE_BYTES:
                    raise KernelError(f"{path}: {entry.filename} declares an array of shape {shape}, far too large")
        arrays = np.load(io.BytesIO(data), allow_pickle=False)
        loaded = {name: arrays[name] for name in expected}
    except KernelError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as err:
        raise KernelError(f"{path}: not a readable network file ({err})") from None
    return loaded


def _network(path: Path, loaded: dict[str, np.ndarray], prefix: str, layers: list[int], inputs: int) -> Network:
    """The validated network (or part, its arrays' names starting with `prefix`) of `inputs` inputs."""
    wires_a, wires_b, all_logits = [], [], []
    width = inputs
    where = f"part '{prefix[:-1]}' " if prefix else ""
    for i, size in enumerate(layers):
        a, b, logits = (loaded[f"{prefix}layer{i:02d}_{part}"] for part in ("a", "b", "logits"))
        for name, wires in (("a", a), ("b", b)):
            if wires.shape != (size,) or not np.issubdtype(wires.dtype, np.integer):
                raise KernelError(f"{path}: {where}layer {i} wires {name} must be {size} integers")
            if len(wires) and (wires.min() < 0 or wires.max() >= width):
                raise KernelError(f"{path}: {where}layer {i} wire {name} reads outside 0..{width - 1}")
        if logits.shape != (size, GATE_COUNT) or not np.issubdtype(logits.dtype, np.floating):
            raise KernelError(f"{path}: {where}layer {i} logits must be {size} x {GATE_COUNT} floats")
        if not np.isfinite(logits).all():
            raise KernelError(f"{path}: {where}layer {i} logits are not all finite")
        wires_a.append(a.astype(np.intp))
        wires_b.append(b.astype(np.intp))
        all_logits.append(logits.astype(np.float32))
        width = size
    return Network(wires_a, wires_b, all_logits, inputs)
