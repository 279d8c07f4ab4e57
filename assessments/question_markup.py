"""One area's questions as HTML: the questionnaire's hot loop, rendered by Jinja2.

Every respondent sees a dozen area pages of some thirty radio buttons each. Through
Django's widget templates and template language they took about 5 ms a page, most of the
page's time; as plain values through one Jinja2 template they take a tenth of that
(`make bench`, docs/benchmarks.md). The markup is what Django's RadioSelect and Textarea
write (same names, ids and ARIA attributes), so the form reads a post exactly as before.
"""

from dataclasses import dataclass

from django.template import engines
from django.utils.safestring import SafeString, mark_safe

from assessments.forms import COMMENT_MAX_LENGTH, AreaForm, QuestionFields

TEMPLATE = "questionnaire/questions.html"


@dataclass(frozen=True)
class OptionView:
    id: str
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class QuestionView:
    key: str
    text: str
    help: str
    options: tuple[OptionView, ...]
    value_errors: tuple[str, ...]
    comment: str
    comment_id: str
    comment_name: str
    comment_errors: tuple[str, ...]
    hidden: tuple[tuple[str, str, str], ...]  # (name, value, id) of what the page showed
    stored: bool

    @property
    def invalid(self) -> bool:
        return bool(self.value_errors or self.comment_errors)

    @property
    def described_by(self) -> str:
        """The fieldset's description: the question's help, then its answer's error."""
        ids = [f"help-{self.key}"] if self.help else []
        return " ".join(ids + ([f"error-{self.key}"] if self.value_errors else []))


def question_view(fields: QuestionFields) -> QuestionView:
    value, comment = fields.value, fields.comment
    chosen = value.value()
    chosen = "" if chosen is None else str(chosen)
    return QuestionView(
        key=fields.question.key,
        text=fields.question.text,
        help=fields.question.help,
        options=tuple(
            OptionView(
                id=f"{value.auto_id}_{index}",
                value=str(choice),
                label=str(label),
                checked=str(choice) == chosen,
            )
            for index, (choice, label) in enumerate(value.field.choices)
        ),
        value_errors=tuple(value.errors),
        comment=comment.value() or "",
        comment_id=comment.auto_id,
        comment_name=comment.html_name,
        comment_errors=tuple(comment.errors),
        hidden=tuple(
            (field.html_name, field.value() or "", field.auto_id)
            for field in (fields.shown_value, fields.shown_comment)
        ),
        stored=fields.stored,
    )


def area_questions_html(form: AreaForm) -> SafeString:
    """The questions of the form's area, each a fieldset; Jinja2 escapes every value."""
    template = engines["jinja2"].get_template(TEMPLATE)
    views = [question_view(fields) for fields in form.questions]
    html = template.render({"questions": views, "comment_max_length": COMMENT_MAX_LENGTH})
    return mark_safe(html)
