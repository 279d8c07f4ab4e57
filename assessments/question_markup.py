"""One area's questions as HTML: the questionnaire's hot loop, rendered by Jinja2.

Every respondent sees a dozen area pages of some thirty radio buttons each. Through
Django's widget templates and template language they took about 5 ms a page, most of the
page's time; as plain values through one Jinja2 template they take a tenth of that
(`make bench`, docs/benchmarks.md). The markup is what Django's RadioSelect and Textarea
write (same names, ids and ARIA attributes), so the form reads a post exactly as before.

A page as stored (opened, not posted: no errors, nothing typed) is the same for everyone
but for each question's chosen answer and comment. Such questions are put together from
fragments rendered once per process for each question, answer and whether it has a
comment, with the comment's escaped text put in where a placeholder holds its place.
"""

from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace

from django.template import engines
from django.utils.safestring import SafeString, mark_safe
from markupsafe import escape

from assessments.forms import (
    COMMENT_MAX_LENGTH,
    AreaForm,
    QuestionFields,
    choice_of,
    value_of,
)
from models_catalog.outline import AreaOutline, QuestionOutline, ScaleOutline

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
    return mark_safe(rendered([question_view(fields) for fields in form.questions]))


def rendered(views: list[QuestionView]) -> str:
    template = engines["jinja2"].get_template(TEMPLATE)
    return template.render({"questions": views, "comment_max_length": COMMENT_MAX_LENGTH})


# Raw markup: the template escapes every text it is given, so no text (a question's, say)
# comes out equal to it; it is passed in as markup, which the template keeps as it is.
COMMENT_PLACEHOLDER = mark_safe("<!--stored-comment-->")


def stored_questions_html(area: AreaOutline, scale: ScaleOutline, stored: dict) -> SafeString:
    """The area's questions as an unposted form shows them: the stored answers chosen,
    their comments in place (`stored`: answers by question id)."""
    parts = []
    for question in area.questions:
        answer = stored.get(question.id)
        if answer is None:
            parts.append(question_fragment(question, scale, chosen="", commented=False))
            continue
        fragment = question_fragment(
            question, scale, chosen=choice_of(answer.value), commented=bool(answer.comment)
        )
        # Escaped as the template escapes (markupsafe), so the page is the one it renders.
        parts.append(fragment.replace(COMMENT_PLACEHOLDER, escape(answer.comment)))
    return mark_safe("".join(parts))


@lru_cache(maxsize=4096)
def question_fragment(
    question: QuestionOutline, scale: ScaleOutline, *, chosen: str, commented: bool
) -> str:
    """One question's fieldset as the form renders it with that answer chosen ("" for
    none stored) and a placeholder for its comment, if it has one."""
    stored = {}
    if chosen:
        comment = COMMENT_PLACEHOLDER if commented else ""
        stored[question.id] = SimpleNamespace(value=value_of(chosen), comment=comment)
    alone = AreaOutline(
        id=0,
        key="",
        name="",
        description="",
        threshold=0,
        recommendation="",
        level_number=0,
        questions=(question,),
    )
    form = AreaForm(None, area=alone, scale=scale, stored=stored)
    return rendered([question_view(fields) for fields in form.questions])
