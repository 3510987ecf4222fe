"""Example Accord plugins for this repository's registry."""
