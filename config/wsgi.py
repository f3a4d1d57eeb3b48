import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()


def _warm_up() -> None:
    # The postal index takes a few seconds to build; build it now, in the background, so that the
    # first address look-up a person makes on this worker does not wait for it.
    from municipalities.postal_data import get_index

    get_index()


threading.Thread(target=_warm_up, name="warm-postal-index", daemon=True).start()
