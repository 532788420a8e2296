"""The store's side of the team's quality loop (issue 24): notes on documents, the guidelines
and label descriptions, and the versions of a document (history, undo of a decision)."""
