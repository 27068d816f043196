"""Test scaffolding, not a user tool: single-op model builders (our schema, no
TensorFlow), conformance checks against LiteRT and the conformance table.
May use every other layer; nothing outside tests and benchmarks imports it."""
