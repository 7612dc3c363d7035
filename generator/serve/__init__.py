"""Watch mode: follow file changes, rebuild in memory, serve the site over loopback."""
