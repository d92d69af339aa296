"""The compiler: circuit IR, optimisation passes, the -O3 stencil, C code generation, and building with gcc.

Needs no JAX. `pipeline.compile_network` is the one way from a trained network to a verified circuit and its C.
"""
