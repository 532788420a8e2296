"""The annotation editor: the span view and its window over long texts, span styles, offsets,
undo, occurrences, the label bar and the activity clock."""
