"""Git: reading history, semantic diffs between revisions, releases and their change notes."""
