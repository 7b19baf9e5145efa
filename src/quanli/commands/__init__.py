"""One module per command; the CLI imports them only when the command runs."""
