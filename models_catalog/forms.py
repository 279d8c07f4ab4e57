"""Admin forms of the catalog: uploads, and keys that are unique within a model version.

Process areas and questions take their version from their parent in `save()`, so the
database's unique key (version, key) is out of the ModelForm's sight: these forms check it
themselves and name the field, instead of letting the database refuse the row.
"""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from models_catalog.models import ProcessArea, Question


class UploadForm(forms.Form):
    """One file, read in memory, no larger than settings.UPLOAD_MAX_BYTES."""

    file = forms.FileField()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; "
                f"files up to {filesizeformat(settings.UPLOAD_MAX_BYTES)} are accepted."
            )
        return upload

    def read(self) -> bytes:
        upload = self.cleaned_data["file"]
        upload.seek(0)
        return upload.read()


class ModelFileForm(UploadForm):
    file = forms.FileField(
        label="Model file",
        help_text="A JSON model file (format maturity-model/1). A new (slug, version) is "
        "added; an existing version that no campaign uses is replaced.",
    )


class KeyWithinVersionForm(forms.ModelForm):
    """A ModelForm whose `key` must be unique within the version of its `parent_field`."""

    parent_field: str

    def clean(self):
        cleaned_data = super().clean()
        parent = cleaned_data.get(self.parent_field)
        key = cleaned_data.get("key")
        if parent is None or not key:
            return cleaned_data
        taken = (
            self._meta.model.objects.filter(maturity_model_id=parent.maturity_model_id, key=key)
            .exclude(pk=self.instance.pk)
            .exists()
        )
        if taken:
            self.add_error("key", f"The key “{key}” is used already in this model version.")
        return cleaned_data


class ProcessAreaForm(KeyWithinVersionForm):
    parent_field = "level"

    class Meta:
        model = ProcessArea
        fields = ("level", "position", "key", "name", "description", "threshold", "recommendation")


class QuestionForm(KeyWithinVersionForm):
    parent_field = "process_area"

    class Meta:
        model = Question
        fields = ("process_area", "position", "key", "text", "help", "weight")


class KeysWithinVersionFormSet(forms.BaseInlineFormSet):
    """Rows of one inline may not share a key either."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            key = form.cleaned_data.get("key")
            if key in seen:
                form.add_error("key", f"The key “{key}” appears twice in this list.")
            elif key:
                seen.add(key)
