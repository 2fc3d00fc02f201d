"""The pure core: plain records in, the collective's books out.

It imports only itself, the standard library, Babel and pandas (see docs/architecture.md).
"""
