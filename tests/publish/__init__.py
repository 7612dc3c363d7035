"""Tests of generator/publish/: init, hooks, pack, export, schema and docs."""
