from django.db import connection
from django.http import HttpResponse


class HealthCheckMiddleware:
    """`/healthz` for load balancers and container health checks.

    It answers before host validation and the HTTPS redirect, which a probe from inside the
    container would not pass, and says whether the database answers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/healthz":
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:  # any database failure makes the instance unhealthy
            return HttpResponse("database unavailable", status=503, content_type="text/plain")
        return HttpResponse("ok", content_type="text/plain")
