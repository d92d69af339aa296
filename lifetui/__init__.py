"""lifetui: Life-like cellular automata in the terminal, with learned logic-gate kernels compiled to C."""

__version__ = "0.1.0"


def __getattr__(name: str):
    """`lifetui.open`, `lifetui.read` and `lifetui.Life` (lifetui.api), imported when first asked for: the command
    line starts without them."""
    if name in ("open", "read", "Life"):
        from lifetui import api

        return getattr(api, name)
    raise AttributeError(f"module 'lifetui' has no attribute {name!r}")
