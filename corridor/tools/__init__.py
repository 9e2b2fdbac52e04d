"""Maintenance commands for the network data (not used by runs): ``corridor sea-distances``."""
