"""Maintenance commands (not used by runs): ``corridor sea-distances`` (:mod:`.sea_distances`) and
``python -m corridor.tools.docs`` (:mod:`.docs`, the generated reference pages)."""
