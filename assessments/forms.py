"""Forms of the questionnaire journey: who the person is (start page) and one area's answers."""

from dataclasses import dataclass
from functools import lru_cache

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from assessments.models import Unit
from assessments.questionnaire import CLEAR, KEEP, AnswerEdit
from assessments.selectors import NOT_APPLICABLE_LABEL
from models_catalog.outline import AreaOutline, QuestionOutline, ScaleOutline

ROLES = [
    ("employee", "Employee"),
    ("manager", "Manager"),
    ("executive", "Executive"),
]
NOT_APPLICABLE = "na"
COMMENT_MAX_LENGTH = 2000


class StartForm(forms.Form):
    """Unit and role, asked only where the invitation does not fix them. An anonymous
    campaign lets people keep both to themselves."""

    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label="Your unit",
        error_messages={
            "required": "Choose your unit.",
            "invalid_choice": "Choose your unit from the list: the one sent is not among them.",
        },
    )
    role = forms.ChoiceField(
        label="Your role",
        error_messages={
            "required": "Choose your role.",
            "invalid_choice": "Choose your role from the list: the one sent is not among them.",
        },
    )

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        campaign = invitation.campaign
        units = Unit.objects.filter(organization_id=campaign.organization_id)
        optional = campaign.anonymous
        empty = "Prefer not to say" if optional else "Choose…"
        if invitation.unit_id or not units.exists():
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units
            self.fields["unit"].required = not optional
            self.fields["unit"].empty_label = empty
        if invitation.role:
            del self.fields["role"]
        else:
            self.fields["role"].choices = [("", empty), *ROLES]
            self.fields["role"].required = not optional
        self.helper = FormHelper()
        # The page's own summary says what is missing, as the area pages do: the
        # browser's bubble is gone on the next tap and screen readers may not read it.
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("start", "Start", css_class="btn-brand btn-lg"))

    @property
    def error_links(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) of each field's error, for the page's summary."""
        return [
            (self[name].id_for_label, self.fields[name].label, message)
            for name, messages in self.errors.items()
            if name in self.fields
            for message in messages
        ]


def normalized_text(text: str) -> str:
    # Browsers send a textarea's line breaks as CRLF and a hidden input's as they are.
    return text.replace("\r\n", "\n").strip()


class CommentField(forms.CharField):
    """A comment box. Its line breaks count once toward the limit, as the browser counts
    them against the box's maxlength, though it sends each as CRLF."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class QuestionField(forms.ChoiceField):
    """One question's answer: a scale value, N/A, or nothing chosen yet."""

    def __init__(self, *, question: QuestionOutline, scale: ScaleOutline):
        choices = [(str(value), label) for value, label in scale.options]
        if scale.allow_na:
            choices.append((NOT_APPLICABLE, NOT_APPLICABLE_LABEL))
        super().__init__(
            choices=choices,
            required=False,
            widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            label=question.text,
            error_messages={
                "invalid_choice": "%(value)s is not one of the answers offered for this "
                "question; choose one of them."
            },
        )


@dataclass(frozen=True)
class QuestionFields:
    """What the template renders for one question: its fieldset's parts."""

    question: QuestionOutline
    value: forms.BoundField
    comment: forms.BoundField
    shown_value: forms.BoundField
    shown_comment: forms.BoundField
    stored: bool

    @property
    def errors(self) -> list[str]:
        return [*self.value.errors, *self.comment.errors]

    @property
    def error_links(self) -> list[tuple[str, str]]:
        """(element id, message) for the error summary: an answer's error leads to its
        first option, a comment's to the comment box."""
        return [(f"{self.value.auto_id}_0", message) for message in self.value.errors] + [
            (self.comment.id_for_label, message) for message in self.comment.errors
        ]


class AreaForm(forms.Form):
    """One area's questions; each comes with an optional comment.

    Beside each visible field a hidden one keeps what the page showed, so the form can
    tell what the person changed (`edits`): an answer chosen in another tab after this
    page was shown is never overwritten by an untouched question on this page.
    """

    def __init__(self, *args, area: AreaOutline, scale: ScaleOutline, stored: dict, **kwargs):
        self.area = area
        self.stored = stored
        self.cleared_key = None
        super().__init__(*args, **kwargs)
        self.fields.update(area_fields(area, scale))
        if self.is_bound:
            # What the page showed comes back in the hidden fields: `stored` is read only
            # where a rule needs it (it may be read lazily, see views.stored_answers).
            clear = self.data.get("clear", "")
            if clear and clear in {q.key for q in area.questions if q.id in stored}:
                self.cleared_key = clear
            return
        for question in area.questions:
            answer = stored.get(question.id)
            shown = "" if answer is None else choice_of(answer.value)
            comment = answer.comment if answer else ""
            key = question.key
            self.initial.update(
                {
                    f"value-{key}": shown,
                    f"comment-{key}": comment,
                    f"shown-{key}": shown,
                    f"shown-comment-{key}": comment,
                }
            )

    @property
    def questions(self) -> list[QuestionFields]:
        return [
            QuestionFields(
                question=question,
                value=self[f"value-{question.key}"],
                comment=self[f"comment-{question.key}"],
                shown_value=self[f"shown-{question.key}"],
                shown_comment=self[f"shown-comment-{question.key}"],
                stored=question.id in self.stored,
            )
            for question in self.area.questions
        ]

    @property
    def arrived_damaged(self) -> bool:
        """Whether a hidden field came back unreadable: the summary says so, as it cannot
        point at a field the person sees."""
        return any(field.errors for field in self.hidden_fields())

    def clean(self):
        cleaned = super().clean()
        self.changes = {}
        for question in self.area.questions:
            key = question.key
            if key == self.cleared_key:
                self.changes[key] = CLEAR
            elif not self.has_error(f"value-{key}") and not self.has_error(f"comment-{key}"):
                self.note_change(question, cleaned)
        return cleaned

    def note_change(self, question: QuestionOutline, cleaned: dict):
        """Record what the person changed compared with what the page showed them.

        An option the page showed as chosen that comes back empty is kept: browsers cannot
        un-choose a radio button, so only the "Clear my answer" button clears an answer.
        """
        key = question.key
        value, shown = cleaned.get(f"value-{key}", ""), cleaned.get(f"shown-{key}", "")
        comment = normalized_text(cleaned.get(f"comment-{key}", ""))
        value_changed = value != "" and value != shown
        comment_changed = comment != normalized_text(cleaned.get(f"shown-comment-{key}", ""))
        if not (value_changed or comment_changed or comment):
            return  # untouched and without a comment: nothing to save, nothing to check
        if not value_changed and question.id not in self.stored:
            if comment:
                self.add_error(
                    f"comment-{key}",
                    "Choose an answer for this question (or N/A) so your comment can be saved.",
                )
            return
        if value_changed or comment_changed:
            self.changes[key] = AnswerEdit(
                value=value_of(value) if value_changed else KEEP,
                comment=comment if comment_changed else KEEP,
            )

    def edits(self) -> dict[str, AnswerEdit]:
        """The changes of a valid form, by question key, for `save_area_answers`."""
        return self.changes


@lru_cache(maxsize=256)
def area_fields(area: AreaOutline, scale: ScaleOutline) -> dict[str, forms.Field]:
    """An area's fields, built once per process and model version and shared by its forms.

    Building four fields a question was a fifth of every save and answered page (`make
    bench`). Django copies a form's declared fields for each form so that one may change
    its own; an AreaForm never changes them (what differs between people is their initial
    values and data, kept on the form), so one set serves every form of the area.
    """
    fields = {}
    for question in area.questions:
        key = question.key
        fields[f"value-{key}"] = QuestionField(question=question, scale=scale)
        fields[f"comment-{key}"] = CommentField(
            label="Comment (optional)",
            required=False,
            max_length=COMMENT_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        )
        fields[f"shown-{key}"] = forms.CharField(
            required=False, widget=forms.HiddenInput, strip=False
        )
        fields[f"shown-comment-{key}"] = forms.CharField(
            required=False, widget=forms.HiddenInput, strip=False
        )
    return fields


def choice_of(value: int | None) -> str:
    return NOT_APPLICABLE if value is None else str(value)


def value_of(choice: str) -> int | None:
    return None if choice == NOT_APPLICABLE else int(choice)
