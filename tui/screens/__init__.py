"""The screens of the review app, one per module."""
