"""The widgets of the review screen, one per module."""
