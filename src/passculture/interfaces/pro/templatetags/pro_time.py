"""`{{ moment|venue_time:venue.timezone|date:"d/m/Y H:i" }}`: Django's `timezone` filter, through
core.common.time.to_local, so that a row stored near year 9999 (before dates were bounded) still shows
instead of overflowing the page."""

import datetime as dt

from django import template
from django.templatetags.tz import datetimeobject

from passculture.core.common.time import to_local

register = template.Library()


@register.filter
def venue_time(value, tz_name: str):
    if not isinstance(value, dt.datetime) or not tz_name:
        return value
    local = to_local(value, tz_name)
    # As Django's `timezone` filter does: the next filters must not convert it back to local time.
    result = datetimeobject(
        local.year, local.month, local.day, local.hour, local.minute, local.second, local.microsecond,
        local.tzinfo,
    )  # fmt: skip
    result.convert_to_local_time = False
    return result
