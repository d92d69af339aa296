"""Trained kernels that ship with lifetui, installed as the data package lifetui.bundled_kernels."""
