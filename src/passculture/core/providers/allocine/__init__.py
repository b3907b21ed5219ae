"""Allociné: a theatre's showtimes read from the GraphQL proxy, the theatre reference list, the import."""
