"""pdp: a CPD journal kept as Markdown in git, and the PDP portfolio built from it."""

__version__ = "0.1.0"
