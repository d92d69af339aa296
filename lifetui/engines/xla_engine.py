"""The xla engine: the compiled circuit the c engine runs, as JAX operations on a packed board on JAX's device.

The circuit comes from the one pipeline (`compiler.pipeline.compile_network`, at the c engine's level), verified
there on all 512 neighbourhoods; nothing of it is re-derived here. Each of its gates is traced as the one
bitwise operation of its type on uint32 words (the jax engine's OPERATIONS), so XLA sees about twenty
operations a word where the jax engine's network gives it five hundred.

The board is the jax engine's (`PackedJaxEngine`): rows of uint32 words, cell x in bit x % 32 of word x // 32,
held on JAX's default device between calls and stepped by one jitted loop of many generations a call (the
count a traced number: no count compiles anything again). A
generation of a -O3 stencil (every exact Life-like kernel) shares each row's work between the three rows that
read it, as the C does: the row stage adds a row's west and east cells (the pair) and its west, centre and
east cells (the sum) once, for the whole board; the combine reads the sums of the rows above and below (the
same arrays, one row up or down), the middle row's pair and its centre, and decodes the count; a rule that
is not totalistic adds the exceptions circuit over the nine neighbour words. Any other circuit is evaluated
on the nine neighbour words directly. A multi-state rule's circuits (one per bit of the state) run on its
board of bit planes (`PlanesBoard`), each on the 9 x bits neighbour words of all the planes; its -O3 stencil
computes the on plane of every row from the planes, that plane's row sums as above, and decodes each bit of
the next state from the sums, the centre's on plane and its state bits (and, for History, the OR of the
boundary plane over the nine cells, each row's OR of its three cells computed once).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import jax
import jax.numpy as jnp

from lifetui.compiler.circuit import Circuit, Gate
from lifetui.compiler.pipeline import DEFAULT_LEVEL, Compiled, CompiledStates, compile_network
from lifetui.compiler.states import StatesStencil
from lifetui.compiler.stencil import ROW_GATES, ROW_OUTPUTS, Stencil
from lifetui.engines.base import DEFAULT_OPTIONS, EngineOptions
from lifetui.engines.jax_engine import OPERATIONS, PackedJaxEngine, PlanesBoard, neighbour_words, west_east
from lifetui.rules import Rule

Generation = Callable[[jnp.ndarray, jnp.ndarray, jnp.ndarray], jnp.ndarray]


def evaluate(gates: Sequence[Gate], inputs: Sequence[jnp.ndarray]) -> list[jnp.ndarray]:
    """Every node's words: the inputs, then each gate's (node len(inputs) + i is gate i), in order."""
    nodes = list(inputs)
    for gate in gates:
        nodes.append(OPERATIONS[gate.op](nodes[gate.a], nodes[gate.b]))
    return nodes


def circuit_generation(circuit: Circuit, width: int) -> Generation:
    """A generation of a circuit over the nine cells of each neighbourhood."""

    def generation(block: jnp.ndarray, above: jnp.ndarray, below: jnp.ndarray) -> jnp.ndarray:
        return evaluate(circuit.gates, neighbour_words(block, width, above, below))[circuit.output]

    return generation


def stencil_generation(stencil: Stencil, width: int) -> Generation:
    """A generation of a -O3 stencil: each row's sums once, read by the rows above, at and below it."""
    exceptions = stencil.exceptions

    def generation(block: jnp.ndarray, above: jnp.ndarray, below: jnp.ndarray) -> jnp.ndarray:
        rows = jnp.concatenate([above[None, :], block, below[None, :]])
        west, east = west_east(rows, width)
        row_stage = evaluate(ROW_GATES, (west, rows, east))
        pair0, pair1, sum0, sum1 = (row_stage[node] for node in ROW_OUTPUTS)
        middle = slice(1, 1 + block.shape[0])
        centre = rows[middle]
        departures = centre  # read only by a combine with exceptions
        if exceptions is not None:
            departures = evaluate(exceptions.gates, neighbour_words(block, width, above, below))[exceptions.output]
        inputs = (sum0[:-2], sum1[:-2], pair0[middle], pair1[middle], sum0[2:], sum1[2:], centre, departures, centre)
        return evaluate(stencil.combine.gates, inputs)[stencil.combine.output]

    return generation


def states_stencil_generation(stencil: StatesStencil, width: int) -> Generation:
    """A generation of a multi-state rule's -O3 stencil on rows of bit planes (rows, planes, words): the on plane
    of each row, its row sums once (and History's boundary plane, its OR over each row once), and a decode per
    bit of the next state."""

    def generation(block: jnp.ndarray, above: jnp.ndarray, below: jnp.ndarray) -> jnp.ndarray:
        rows = jnp.concatenate([above[None], block, below[None]])
        on = evaluate(stencil.on.gates, [rows[:, p] for p in range(stencil.planes)])[stencil.on.output]
        west, east = west_east(on, width)
        row_stage = evaluate(ROW_GATES, (west, on, east))
        pair0, pair1, sum0, sum1 = (row_stage[node] for node in ROW_OUTPUTS)
        middle = slice(1, 1 + block.shape[0])
        state = [block[:, p] for p in range(stencil.planes)]
        inputs = [sum0[:-2], sum1[:-2], pair0[middle], pair1[middle], sum0[2:], sum1[2:], on[middle], *state]
        if stencil.near is not None:  # History's boundary: each row's west | centre | east once, then three rows'
            boundary = evaluate(stencil.near.gates, [rows[:, p] for p in range(stencil.planes)])[stencil.near.output]
            west, east = west_east(boundary, width)
            across = west | boundary | east
            inputs.append(across[:-2] | across[middle] | across[2:])
        nodes = evaluate(stencil.gates, inputs)
        return jnp.stack([nodes[output] for output in stencil.outputs], axis=1)

    return generation


class XlaEngine(PackedJaxEngine):
    name = "xla"
    level = DEFAULT_LEVEL

    def __init__(self, rule: Rule, options: EngineOptions = DEFAULT_OPTIONS):
        super().__init__(rule, options)
        self.compiled = compile_network(self._learned_kernel().network, self.rule, self.level)
        self.compiled.refuse_too_large()

    def generation(self, width: int) -> Generation:
        assert isinstance(self.compiled, Compiled)  # a multi-state rule's is StatesXlaEngine's
        if self.compiled.stencil is not None:
            return stencil_generation(self.compiled.stencil, width)
        return circuit_generation(self.compiled.emitted, width)

    def describe(self) -> tuple[str, str]:
        spread = f", rows split over {self.devices} devices" if self.devices > 1 else ""
        where = jax.devices()[0].platform.upper()
        return "Circuit", f"{self.compiled.describe()}, in XLA on the {where} on 32-cell words{spread}"


class StatesXlaEngine(PlanesBoard, XlaEngine):
    """The xla engine of a multi-state rule: the c engine's circuits, one per bit plane of the next state."""

    def generation(self, width: int) -> Generation:
        assert isinstance(self.compiled, CompiledStates)
        if self.compiled.stencil is not None:
            return states_stencil_generation(self.compiled.stencil, width)
        circuits = self.compiled.circuits
        shared = self.compiled.checked is not None  # a network in parts: its circuits share one list of gates

        def generation(block: jnp.ndarray, above: jnp.ndarray, below: jnp.ndarray) -> jnp.ndarray:
            inputs = self.neighbourhood(width, block, above, below)
            if shared:
                nodes = evaluate(circuits[0].gates, inputs)
                return jnp.stack([nodes[circuit.output] for circuit in circuits], axis=1)
            return jnp.stack([evaluate(circuit.gates, inputs)[circuit.output] for circuit in circuits], axis=1)

        return generation
