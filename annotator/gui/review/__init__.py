"""The review window: adjudication, agreement marks and the agreement panel."""
