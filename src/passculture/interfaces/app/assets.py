"""The stylesheets of every app page, in order: read by the base template and the service worker's precache.

DSFR part by part (its core and the components the app uses), never the whole dsfr.min.css (711 KB): the
home page's first visit must stay under 250 KB transferred. No DSFR JavaScript: no app component needs it
(no modal menu, no tabs widget). brand.css comes last: the young people's layer on top.
"""

DSFR_COMPONENTS = (
    "link",
    "button",
    "tag",
    "badge",
    "card",
    "tab",
    "alert",
    "form",
    "input",
    "select",
    "checkbox",
    "radio",
    "footer",
)

STYLESHEETS: tuple[str, ...] = (
    "dsfr/dist/core/core.main.min.css",
    *(f"dsfr/dist/component/{name}/{name}.main.min.css" for name in DSFR_COMPONENTS),
    "app/brand.css",
)
