"""pytest plugin of the contract suite (target selection); filled in by the contracts work."""
