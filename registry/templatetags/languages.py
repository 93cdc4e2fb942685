"""``{% language user|language_of %}…{% endlanguage %}``: an e-mail to `user` written in the language they chose
with the switcher; without a stored choice, in the language of the page that sends it."""

from django import template
from django.utils import translation

from registry.user_selectors import user_language

register = template.Library()


@register.filter
def language_of(user) -> str:
    return user_language(user) or translation.get_language() or "en"
