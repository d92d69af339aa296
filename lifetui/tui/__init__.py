"""The Textual front end: a thin App over a Simulation, one widget per module."""
