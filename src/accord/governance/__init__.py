"""Contract governance: compatibility between versions of an event's schema."""
