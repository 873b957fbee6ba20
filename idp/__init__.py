"""Yiwang (一网): the identity provider's web app and core."""
