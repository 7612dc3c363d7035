"""Defaults that the command line shows in its help, apart from the modules that use them:
naming one must not cost every command their imports (the web server's, say)."""

DEFAULT_PORT = 8000
