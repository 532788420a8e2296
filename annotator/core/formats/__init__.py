"""File formats: readers (importers/), writers (exporters/), and what they share. Formats know
nothing of learning, the team policy or the operations that use them."""
