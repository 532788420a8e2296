"""Docked views: the document list and its order, progress and the overview."""
