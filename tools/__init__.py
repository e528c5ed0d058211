"""Maintenance scripts: derive the repository's data from Adobe's reference material (run by hand)."""
