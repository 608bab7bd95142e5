from django.forms.renderers import TemplatesSetting
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

# Django's own widget templates whose markup `_fast` writes directly (same bytes).
_SELECT = "django/forms/widgets/select.html"
_OPTION = "django/forms/widgets/select_option.html"
_INPUTS = {f"django/forms/widgets/{name}.html" for name in (
    "text", "email", "url", "number", "password", "hidden", "search", "tel", "date",
    "datetime", "time", "color", "input")}


class FormRenderer(TemplatesSetting):
    """Our markup for every form: labels above fields, help and errors under them.

    Selects and plain inputs are written in Python rather than through Django's widget
    templates: the markup is the same, byte for byte (tests/test_form_renderer.py), but a
    select rendered through the templates costs an include per option and the attributes
    another; the time-zone select of the settings page has ~600 options. Anything unusual
    (custom option templates, labels that are not text) goes through the templates."""

    form_template_name = "forms/form.html"
    field_template_name = "includes/field.html"

    def render(self, template_name, context, request=None):
        html = _fast(template_name, context.get("widget"))
        if html is not None:
            return mark_safe(html)  # noqa: S308 - every value below is escaped
        return super().render(template_name, context, request)


def _text(value) -> str | None:
    """`{{ value }}` for text and lazy text; None for anything a template would localise
    (numbers, dates …): those go through the templates."""
    if isinstance(value, SafeData):
        return value
    if isinstance(value, str | Promise):
        return conditional_escape(str(value))
    return None


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`: str() of anything, escaped unless marked safe."""
    return value if isinstance(value, SafeData) else conditional_escape(str(value))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {conditional_escape(name)}")
        if value is not True:
            out.append(f'="{_formatted(value)}"')
    return "".join(out)


def _fast(template_name: str, widget) -> str | None:
    if (template_name != _SELECT and template_name not in _INPUTS) or not isinstance(widget,
                                                                                    dict):
        return None
    name = _text(widget.get("name"))
    if name is None:
        return None
    if template_name == _SELECT:
        return _select(widget, name)
    value = widget.get("value")
    value_attr = "" if value is None else f' value="{_formatted(value)}"'
    return (f'<input type="{conditional_escape(widget["type"])}" name="{name}"{value_attr}'
            f'{_attrs(widget["attrs"])}>')


def _select(widget: dict, name: str) -> str | None:
    out = [f'<select name="{name}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            label = _text(group_name)
            if label is None:
                return None
            out.append(f'\n  <optgroup label="{label}">')
        for option in options:
            label = _text(option["label"])
            if option.get("template_name") != _OPTION or label is None:
                return None
            out.append(f'\n  <option value="{_formatted(option["value"])}"'
                       f'{_attrs(option["attrs"])}>{label}</option>\n')
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")  # the renderer strips the template's final newline
    return "".join(out)
