"""A strategy's words for the levels of its plan ("Aim", "Deliverable") as a sentence says them."""

from django import template

from core import text

register = template.Library()
register.filter("in_sentence", text.in_sentence)
register.filter("with_article", text.with_article)
