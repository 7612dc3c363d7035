"""What leaves the journal: new projects and entries, git hooks, the pack, schema and docs."""
