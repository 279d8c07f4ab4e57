from django import template

from assessments.question_markup import area_questions_html

register = template.Library()


@register.simple_tag
def area_questions(form):
    """`{% area_questions form %}`: the area's questions, rendered by Jinja2."""
    return area_questions_html(form)
