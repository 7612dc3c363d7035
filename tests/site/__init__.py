"""Tests of generator/site/: planning, rendering, checking links and writing the site."""
