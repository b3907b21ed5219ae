"""Imports of offers from external providers (ticketing and listing services)."""
