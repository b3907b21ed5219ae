"""The beneficiaries' web entry: `/` is the discovery page (interfaces/app/discovery/views.py)."""

from .discovery.views import home

__all__ = ["home"]
