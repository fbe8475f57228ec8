"""Boundary sources, their registry, and the demo/national boundary build."""
