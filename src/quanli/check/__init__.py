"""Checking a loaded catalogue: schema validity and rules, producing Findings."""
