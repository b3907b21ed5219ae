"""The storage of the collected static files: gzip-compressed copies, hashed names, a year-long cache."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's compressed manifest storage, whose URLs carry the hashed names even under DEBUG.

    Django's manifest storage hands out plain names while DEBUG is on; `passculture serve` (`make run`) runs
    with DEBUG on and still serves the collected files, which only stay cacheable for a year (whitenoise's
    immutable files) under their hashed names."""

    def url(self, name, force=False):
        return super().url(name, force=True)
