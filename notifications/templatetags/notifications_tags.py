from django import template

from notifications.selectors import unread_count_for

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications_count(context) -> int:
    request = context.get("request")
    if request is None:
        return 0
    return unread_count_for(user=request.user)
