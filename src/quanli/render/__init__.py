"""Rendering the deliverables (四个一) from an audience-filtered view of the catalogue."""
