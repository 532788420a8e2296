"""The model side of the window: pre-annotation in the background, training, continuous learning."""
