"""The team: who is working, the gold policy, review, agreement and merging a teammate's file."""
