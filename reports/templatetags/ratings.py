"""Status ratings in a page that shows hundreds: each rating's markup rendered once, then looked up.

`includes/_rating.html` is the one place a rating's markup is written. The exception report shows a
rating for every action it names, and including that template once an action is most of what its
rows cost to render; `{% rating_markup as ratings %}` renders it once for each rating (and for no
rating, as "Not rated"), and `{{ ratings|get_item:code }}` then gives the same markup for a row.
"""

from django import template
from django.template import Context

from core.ratings import Rating

register = template.Library()


@register.simple_tag(takes_context=True)
def rating_markup(context) -> dict:
    """`includes/_rating.html` rendered for each rating code, and for None (no update yet)."""
    rating = context.template.engine.get_template("includes/_rating.html")
    return {
        code: rating.render(Context({"rating": code}, autoescape=context.autoescape))
        for code in [*Rating.values, None]
    }
