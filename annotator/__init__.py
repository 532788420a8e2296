"""annotator: turn raw news articles into gold named-entity training data."""

__version__ = "0.1.0"
