"""The storage of the collected static files: gzip-compressed copies, hashed names, a year-long cache."""

import os
from pathlib import Path

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's compressed manifest storage, whose URLs carry the hashed names even under DEBUG.

    Django's manifest storage hands out plain names while DEBUG is on; `passculture serve` (`make run`) runs
    with DEBUG on and still serves the collected files, which only stay cacheable for a year (whitenoise's
    immutable files) under their hashed names."""

    def url(self, name, force=False):
        return super().url(name, force=True)


def collected_static_files_are_current() -> bool:
    """Whether STATIC_ROOT already holds what `collectstatic` would write: its manifest exists and no
    source file that the staticfiles finders see (the apps', the installed packages', STATICFILES_DIRS)
    is newer than it. Collecting and compressing every file takes a minute or more of CPU (brotli), so
    `passculture serve` (`make run`) and the multi-node run skip it when nothing changed. A source
    removed since keeps its collected copy until the next collect."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    try:
        made = manifest.stat().st_mtime
    except OSError:
        return False
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            if os.stat(storage.path(path)).st_mtime > made:
                return False
    return True
