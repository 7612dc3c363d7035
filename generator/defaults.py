"""Defaults that the command line shows in its help, apart from the modules that use them:
naming one must not cost every command their imports (the web server's, say)."""

DEFAULT_PORT = 8000

DISTRIBUTION = "pdp-journal"
"""pdp's name on the package index and to pip (the command stays `pdp`)."""

REPOSITORY_URL = "https://git.example.org/pdp-journal/pdp-journal.git"
"""The project's home: members install pdp from it, and the CI that `pdp init` writes
installs the running version from its tag there (`v` and the version)."""
