"""`{% icon "mic" %}`: an SVG icon from static/img/icons.svg instead of an emoji (emoji draw as
empty boxes where no emoji font is installed). Decorative unless given a label, which becomes
its text alternative."""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

ICONS = frozenset({"mic", "hand", "avatar", "warning", "person", "headset"})


@register.simple_tag
def icon(name: str, label: str = "") -> SafeString:
    if name not in ICONS:
        raise template.TemplateSyntaxError(f"No icon named {name!r}")
    href = f"{static('img/icons.svg')}#{name}"
    if label:
        return format_html(
            '<svg class="icon" role="img" aria-label="{}" focusable="false"><title>{}</title>'
            '<use href="{}"></use></svg>',
            label,
            label,
            href,
        )
    return format_html(
        '<svg class="icon" aria-hidden="true" focusable="false"><use href="{}"></use></svg>', href
    )
