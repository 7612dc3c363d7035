"""Tests of generator/journal/: reading, parsing, validating and counting."""
