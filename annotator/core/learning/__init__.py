"""Suggestions and models: spaCy pre-annotation, what is learned from gold, propagation,
their one composition, training, continuous learning, document order and evaluation."""
