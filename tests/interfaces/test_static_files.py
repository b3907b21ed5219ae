"""When `passculture serve` may skip collecting the static files again."""

import os
import time

from django.test import override_settings

from passculture.interfaces.static_files import collected_static_files_are_current


def _age(path, seconds_ago: float) -> None:
    moment = time.time() - seconds_ago
    os.utime(path, (moment, moment))


def test_current_only_while_the_manifest_is_newer_than_every_source(tmp_path):
    sources, root = tmp_path / "sources", tmp_path / "collected"
    (sources / "app").mkdir(parents=True)
    root.mkdir()
    style = sources / "app" / "style.css"
    style.write_text("body{}")
    _age(style, 60)
    finders = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    with override_settings(STATICFILES_DIRS=[sources], STATICFILES_FINDERS=finders, STATIC_ROOT=root):
        assert not collected_static_files_are_current()  # never collected

        manifest = root / "staticfiles.json"
        manifest.write_text("{}")
        _age(manifest, 30)
        assert collected_static_files_are_current()

        style.write_text("body{color:red}")  # edited after the collect
        assert not collected_static_files_are_current()

        _age(style, 60)
        (sources / "app" / "new.js").write_text("1")  # a new file
        assert not collected_static_files_are_current()


def test_the_apps_and_packages_files_are_looked_at(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    manifest = tmp_path / "staticfiles.json"
    manifest.write_text("{}")
    _age(manifest, 10 * 365 * 86400)  # older than any installed file
    assert not collected_static_files_are_current()
