"""The journal: read the files, parse and validate them, count the points. No Jinja2."""
