"""Cinemas for young people: a cinema's page (address, directions, accessibility, films by day) and the
map of the cinemas near them (a list first, the Leaflet map on top when scripts and tiles load)."""
