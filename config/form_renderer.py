"""The form renderer (settings.FORM_RENDERER): Django's own, with the few templates every form uses (inputs, selects
and their options, text areas, labels) written out in Python.

Django renders each widget and each label through a template, and each option of a select through one more
include: about a tenth of a millisecond apiece, a fifth of a case list's CPU and most of an edit form's. The
functions below write exactly what those templates write (tests/config/test_form_renderer.py renders every
widget and every form of the registry both ways and compares). Each one is used only while Django's template
under that name is still the one it was written from (compared by source at start): a Django upgrade that
changes a template, or an app that overrides one, gets the template again, never stale markup.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from django.forms.renderers import DjangoTemplates
from django.template import TemplateDoesNotExist
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime

__all__ = ["FormRenderer"]

INPUT = "django/forms/widgets/input.html"
ATTRS = "django/forms/widgets/attrs.html"
FORM_ATTRS = "django/forms/attrs.html"
SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
TEXTAREA = "django/forms/widgets/textarea.html"
LABEL = "django/forms/label.html"
# The widgets whose template is nothing but an include of input.html.
INPUT_ALIASES = tuple(
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox", "color", "date", "datetime", "email", "file", "hidden", "number", "password", "search", "tel",
        "text", "time", "url",
    )
)  # fmt: skip

# The sources the functions below write out (Django 5.2's), each checked against the template found at start.
SOURCES = {
    INPUT: (
        '<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %} '
        'value="{{ widget.value|stringformat:\'s\' }}"{% endif %}{% include "django/forms/widgets/attrs.html" %}>\n'
    ),
    ATTRS: (
        "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}{% if value is not True %}"
        "=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}{% endfor %}"
    ),
    FORM_ATTRS: (
        "{% for name, value in attrs.items %}{% if value is not False %} {{ name }}{% if value is not True %}"
        "=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}{% endfor %}"
    ),
    SELECT: (
        '<select name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>{% for group_name, '
        "group_choices, group_index in widget.optgroups %}{% if group_name %}\n"
        '  <optgroup label="{{ group_name }}">{% endif %}{% for option in group_choices %}\n'
        "  {% include option.template_name with widget=option %}{% endfor %}{% if group_name %}\n"
        "  </optgroup>{% endif %}{% endfor %}\n"
        "</select>\n"
    ),
    OPTION: (
        '<option value="{{ widget.value|stringformat:\'s\' }}"{% include "django/forms/widgets/attrs.html" %}>'
        "{{ widget.label }}</option>\n"
    ),
    TEXTAREA: (
        '<textarea name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>\n'
        "{% if widget.value %}{{ widget.value }}{% endif %}</textarea>\n"
    ),
    LABEL: (
        "{% if use_tag %}<{{ tag }}{% include 'django/forms/attrs.html' %}>{{ label }}</{{ tag }}>{% else %}"
        "{{ label }}{% endif %}\n"
    ),
    **{name: '{% include "django/forms/widgets/input.html" %}\n' for name in INPUT_ALIASES},
}


def _shown(value) -> str:
    """``{{ value }}``: as a template writes a value (local time, localized, escaped unless safe)."""
    value = localize(template_localtime(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe value safe, and is "" where formatting fails."""
    try:
        text = "%s" % (str(value) if isinstance(value, tuple) else value)
    except (ValueError, TypeError):
        text = ""
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs) -> str:
    if not attrs:
        return ""
    out = []
    for name, value in attrs.items():
        if value is not False:
            out.append(f" {_shown(name)}" if value is True else f' {_shown(name)}="{_formatted(value)}"')
    return "".join(out)


def _input(widget) -> str:
    value = "" if widget["value"] == None else f' value="{_formatted(widget["value"])}"'  # noqa: E711 (as the template)
    return f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _option(option) -> str:
    return f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>{_shown(option["label"])}</option>'


def _select(widget) -> str | None:
    out = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None  # a widget with options of its own: its templates
            out.append(f"\n  {_option(option)}\n")
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _textarea(widget) -> str:
    value = _shown(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _label(context) -> str:
    if not context["use_tag"]:
        return _shown(context["label"])
    tag = _shown(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_shown(context['label'])}</{tag}>"


# Template -> (the templates its output depends on, the function writing it from the template's context).
_WRITERS: dict[str, tuple[tuple[str, ...], Callable[[dict], str | None]]] = {
    SELECT: ((SELECT, ATTRS, OPTION), lambda context: _select(context["widget"])),
    TEXTAREA: ((TEXTAREA, ATTRS), lambda context: _textarea(context["widget"])),
    LABEL: ((LABEL, FORM_ATTRS), _label),
    INPUT: ((INPUT, ATTRS), lambda context: _input(context["widget"])),
    **{name: ((name, INPUT, ATTRS), lambda context: _input(context["widget"])) for name in INPUT_ALIASES},
}


class FormRenderer(DjangoTemplates):
    """Django's DjangoTemplates renderer; the templates of `_WRITERS` written in Python while they are unchanged."""

    @cached_property
    def writers(self) -> dict[str, Callable[[dict], str | None]]:
        """The writers whose templates are still the ones they were written from."""
        return {
            name: write
            for name, (sources, write) in _WRITERS.items()
            if all(self._source(source) == SOURCES[source] for source in sources)
        }

    def _source(self, name: str) -> str | None:
        try:
            return self.get_template(name).template.source
        except TemplateDoesNotExist:
            return None

    def render(self, template_name, context, request=None):
        write = self.writers.get(template_name) if request is None else None
        if write is not None:
            html = write(context)
            if html is not None:
                return html.strip()  # as BaseRenderer.render strips a template's output
        return super().render(template_name, context, request=request)
