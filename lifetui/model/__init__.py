"""The learned model: the 16 gates, the gate network, kernel folders on disk, and training (JAX, on demand)."""
