"""Tests of generator/serve/: watch mode and the preview server."""
