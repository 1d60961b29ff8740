"""The bell's pages: my notifications, mark as read, my e-mail preference."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from .forms import PreferenceForm
from .selectors import email_mode_for, notifications_for, unread_count_for
from .services import notification_mark_read, notification_preference_set, notifications_mark_all_read


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/notification_list.html"
    paginate_by = 30
    context_object_name = "notifications"

    def get_queryset(self):
        queryset = notifications_for(user=self.request.user)
        if self.request.GET.get("unread"):
            queryset = queryset.filter(read_at__isnull=True)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread_count"] = unread_count_for(user=self.request.user)
        return context


class NotificationReadView(LoginRequiredMixin, View):
    """POST: mark one of my notifications read, then open what it points to."""

    def post(self, request, pk):
        # Another person's notification answers 404: its existence is not revealed.
        notification = get_object_or_404(notifications_for(user=request.user), pk=pk)
        notification_mark_read(notification=notification)
        target = notification.url
        if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("notifications:index")
        return HttpResponseRedirect(target)


class NotificationReadAllView(LoginRequiredMixin, View):
    def post(self, request):
        count = notifications_mark_all_read(user=request.user)
        messages.success(request, _("Đã đánh dấu %(count)d thông báo là đã đọc.") % {"count": count})
        return HttpResponseRedirect(reverse("notifications:index"))


class PreferenceView(LoginRequiredMixin, FormView):
    template_name = "notifications/preference_form.html"
    form_class = PreferenceForm

    def get_initial(self):
        return {"email_mode": email_mode_for(user=self.request.user)}

    def form_valid(self, form):
        notification_preference_set(user=self.request.user, email_mode=form.cleaned_data["email_mode"])
        messages.success(self.request, _("Đã lưu tùy chọn nhận thông báo."))
        return HttpResponseRedirect(reverse("notifications:preference"))
