"""The beneficiaries' web entry: `/` is the home feed (interfaces/app/discovery/home.py)."""

from .discovery.home import home

__all__ = ["home"]
