"""The form of one action of an action plan, to add one or change one."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms

from assessments.models import Action
from models_catalog.outline import ModelOutline

NO_AREA = ("", "Not about one process area")


def area_choices(outline: ModelOutline) -> list:
    """The model's process areas, grouped by level, after the choice of none."""
    return [
        NO_AREA,
        *(
            (
                f"Level {level.number} · {level.name}",
                [(area.key, area.name) for area in level.areas],
            )
            for level in outline.levels
            if level.areas
        ),
    ]


class ActionForm(forms.Form):
    title = forms.CharField(max_length=200, label="What to do")
    area_key = forms.ChoiceField(label="Process area", required=False)
    description = forms.CharField(
        label="Details", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.CharField(
        label="Owner", max_length=200, required=False, help_text="A person or a team."
    )
    due_date = forms.DateField(
        label="Due by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date, such as 2026-03-31."},
    )
    status = forms.ChoiceField(label="Status", choices=Action.Status.choices)

    def __init__(self, *args, outline: ModelOutline, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_key"].choices = area_choices(outline)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "title",
            "area_key",
            "description",
            Row(
                Column("owner", css_class="col-md-5"),
                Column("due_date", css_class="col-md-4"),
                Column("status", css_class="col-md-3"),
            ),
        )

    @classmethod
    def for_action(cls, action: Action, *, outline: ModelOutline, data=None) -> "ActionForm":
        """The form to change one action; its prefix keeps its fields apart from the
        other actions' on the same page."""
        return cls(
            data,
            outline=outline,
            prefix=f"action-{action.pk}",
            initial={
                "title": action.title,
                "area_key": action.area_key,
                "description": action.description,
                "owner": action.owner,
                "due_date": action.due_date,
                "status": action.status,
            },
        )
