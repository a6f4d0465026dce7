"""The WSGI entry point of a production application server (README, "Production"): copy it beside ``instance/``.

The server sits behind one reverse proxy that terminates HTTPS (``deploy/nginx.conf``): ProxyFix takes the client
address and the scheme from that proxy's ``X-Forwarded-For`` and ``X-Forwarded-Proto`` (count each proxy you add),
and the sign-in cookie is sent over HTTPS only.
"""

from werkzeug.middleware.proxy_fix import ProxyFix

from survey_app import create_app

app = create_app({"SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True})
app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
