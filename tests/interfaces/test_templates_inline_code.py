"""No template has inline code for the Content-Security-Policy to refuse (interfaces/security.py): no
<script> without a src or the request's nonce, no onclick= or other event handler attribute, no
javascript: URL, and, in page templates, no style= attribute nor <style> without the nonce. Behaviours go
in static files (static/passculture/behaviours.js reads data- attributes), styles in stylesheets."""

import re
from pathlib import Path

import pytest

import passculture

SRC = Path(passculture.__file__).resolve().parent

TEMPLATES = sorted(SRC.rglob("templates/**/*.html"))
# Emails are read in mail clients, never under this site's CSP: inline styles are how emails are styled.
PAGE_TEMPLATES = [path for path in TEMPLATES if "/templates/emails/" not in path.as_posix()]
TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.DOTALL)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
SCRIPT_DATA_TYPES = ("application/json", "application/ld+json", "importmap")


def _relative(path: Path) -> str:
    return path.relative_to(SRC).as_posix()


# Never rendered: {# ... #} on one line (Django renders a multi-line one as text), {% comment %} blocks.
TEMPLATE_COMMENT = re.compile(r"\{#[^\n]*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)


def _offences(paths, check) -> list[str]:
    found = []
    for path in paths:
        text = TEMPLATE_COMMENT.sub("", path.read_text())  # never rendered
        found += [f"{_relative(path)}: {tag[:120]}" for tag in TAG.findall(text) if check(tag)]
    return found


def _is_inline_script(tag: str) -> bool:
    if not re.match(r"<script\b", tag, re.IGNORECASE):
        return False
    if re.search(r"\ssrc\s*=|\snonce\s*=", tag, re.IGNORECASE):
        return False
    kind = re.search(r"""\stype\s*=\s*["']?([^"'\s>]+)""", tag, re.IGNORECASE)
    return not (kind and kind.group(1).lower() in SCRIPT_DATA_TYPES)


def test_templates_are_found():
    assert len(PAGE_TEMPLATES) > 50
    assert SRC / "interfaces" / "pro" / "templates" / "pro" / "base.html" in PAGE_TEMPLATES


def test_no_template_has_an_inline_script_without_the_nonce():
    assert _offences(TEMPLATES, _is_inline_script) == []


def test_no_template_has_an_inline_event_handler():
    assert _offences(TEMPLATES, lambda tag: bool(EVENT_HANDLER.search(tag))) == []


def test_no_template_has_a_javascript_url():
    assert _offences(TEMPLATES, lambda tag: bool(JAVASCRIPT_URL.search(tag))) == []


def test_no_page_template_has_an_inline_style():
    def inline_style(tag: str) -> bool:
        if re.match(r"<style\b", tag, re.IGNORECASE):
            return not re.search(r"\snonce\s*=", tag, re.IGNORECASE)
        return bool(re.search(r"\sstyle\s*=", tag, re.IGNORECASE))

    assert _offences(PAGE_TEMPLATES, inline_style) == []


@pytest.mark.parametrize(
    "tag",
    [
        "<script>alert(1)</script>",
        '<button type="button"\n  onclick="go()">',
        '<a href="javascript:go()">',
        '<p style="color: red">',
    ],
)
def test_the_template_scan_sees_each_kind_of_inline_code(tag):
    offending = [
        _is_inline_script,
        lambda t: bool(EVENT_HANDLER.search(t)),
        lambda t: bool(JAVASCRIPT_URL.search(t)),
        lambda t: bool(re.search(r"\sstyle\s*=", t)),
    ]
    assert any(check(found) for found in TAG.findall(tag) for check in offending)


def test_the_template_scan_lets_safe_scripts_through():
    safe = [
        '<script src="/static/app.js" defer>',
        '<script nonce="{{ request.csp_nonce }}">',
        '<script type="application/json" id="settings">',
        '<input data-select-on-focus value="x">',
    ]
    assert not [tag for tag in safe if _is_inline_script(tag) or EVENT_HANDLER.search(tag)]
