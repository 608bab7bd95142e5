from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Our markup for every form: labels above fields, help and errors under them."""

    form_template_name = "forms/form.html"
    field_template_name = "includes/field.html"
