"""The window's link to the team hub: the connection dialog and background syncs."""
