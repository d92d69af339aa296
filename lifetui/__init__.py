"""lifetui: Life-like cellular automata in the terminal, with learned logic-gate kernels compiled to C."""

__version__ = "0.1.0"
