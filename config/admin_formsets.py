"""What an admin page's inline rows take from the counts its form posts back (every model's
change page, ours and other apps').

Each inline posts how many rows it showed (`INITIAL_FORMS`) and how many it sends
(`TOTAL_FORMS`). Django reads a negative count as a number like any other: with
`INITIAL_FORMS=-1` every row but the last counts as new, so the rows the page showed were
inserted again, and a unit's unique name made that a 500. No browser sends a negative
count; here it makes the page's inline invalid, with Django's own message for a tampered
form, and nothing is saved.
"""

from django import forms
from django.forms.formsets import ManagementForm
from django.utils.functional import cached_property


class CountsManagementForm(ManagementForm):
    TOTAL_FORMS = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    INITIAL_FORMS = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class CheckedCounts:
    """Formset mixin: a posted count below zero is an error of the management form."""

    @cached_property
    def management_form(self):
        if not self.is_bound:
            return super().management_form
        form = CountsManagementForm(
            self.data, auto_id=self.auto_id, prefix=self.prefix, renderer=self.renderer
        )
        form.full_clean()
        return form


def checked(formset_class: type) -> type:
    if issubclass(formset_class, CheckedCounts):
        return formset_class
    return type(formset_class.__name__, (CheckedCounts, formset_class), {})


class CheckedFormsets:
    """ModelAdmin mixin: every inline's formset, however the admin finds its inlines,
    checks its counts."""

    def get_formsets_with_inlines(self, request, obj=None):
        for formset_class, inline in super().get_formsets_with_inlines(request, obj):
            yield checked(formset_class), inline
