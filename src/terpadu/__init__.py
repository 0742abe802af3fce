"""Terpadu: integrated social-welfare data."""

__version__ = "0.1.0"
