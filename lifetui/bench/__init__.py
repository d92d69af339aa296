"""`lifetui PATTERN --bench`: every engine on the same board, timed and checked against the reference."""
