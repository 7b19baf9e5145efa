"""Shared plumbing every package may import: the data model, errors, findings, settings, files, locks."""
