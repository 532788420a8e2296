"""Dialogs: labels, names, shortcuts, export, import fixes, project questions, training options."""
