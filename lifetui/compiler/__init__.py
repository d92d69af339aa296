"""The compiler: circuit IR, optimisation passes, the -O3 stencil, C code generation, and building with gcc.

Needs no JAX. `pipeline.compile_kernel` is the one way from a kernel to a verified circuit and its C.
"""
