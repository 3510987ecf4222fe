"""Example consumer handlers for the simulator's shop scenario (scenarios/shop.yaml)."""
