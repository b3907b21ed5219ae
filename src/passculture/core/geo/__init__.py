"""Geocoding: the national address API (BAN) client, the packaged gazetteer of French communes, distances."""
