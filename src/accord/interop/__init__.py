"""Interoperability: AsyncAPI 3.0 export and import, CloudEvents 1.0 envelopes."""
