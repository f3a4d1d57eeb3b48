# The portal's image: gunicorn for the web, the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    VAR_DIR=/app/var

# WeasyPrint needs pango; libharfbuzz-subset0 lets it subset the CJK fonts with HarfBuzz instead of
# fontTools (about twelve times faster per page). The BIZ UD fonts are bundled in static/fonts.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig \
      fonts-morisawa-bizud-gothic fonts-morisawa-bizud-mincho \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 portal
WORKDIR /app

COPY --chown=portal:portal . .
RUN pip install -e .
RUN SECRET_KEY=collectstatic-only-not-a-real-key-0123456789-abcdefghijklmnopqrstuvwxyz \
    python manage.py collectstatic --noinput --verbosity 0 \
 && mkdir -p /app/var/media && chown -R portal:portal /app/var /app/staticfiles

USER portal
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
