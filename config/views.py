"""Site-wide pages that belong to no single app: health check and home."""

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from assessments.review import held_for_review
from reports.selectors import campaign_summaries


@never_cache
@require_safe
def healthz(request):
    """200 `ok` when the database answers, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


class HomeView(TemplateView):
    """The product's landing text; signed in, the campaigns whose results one may see."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.is_authenticated:
            summaries = campaign_summaries(self.request.user)
            context["campaign_summaries"] = summaries
            # Their levels too are results, kept from executives until reviewed.
            context["held_for_review"] = held_for_review(
                self.request.user, [summary.campaign for summary in summaries]
            )
        return context
