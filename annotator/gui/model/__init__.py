"""The model side of the window: the open document, the one-operation edits of the Project,
pre-annotation in the background, training, continuous learning."""
