"""Cookies that a client on loopback can send back over plain HTTP (CONTRACT.md section 1).

With DJANGO_DEBUG=0 the session and CSRF cookies are Secure, as `check --deploy` asks.
With DJANGO_SECURE_SSL_REDIRECT=0 the app also serves plain HTTP on loopback, where a
client that is not a browser (curl with a cookie jar, python) never sends a Secure cookie
back over http, so it could never sign in. On loopback nobody else can read the traffic
(browsers treat it as a secure context for the same reason), so there the Secure
attribute protects nothing and is dropped. Behind a TLS-terminating proxy the request is
secure (X-Forwarded-Proto) or names the public host, so its cookies stay Secure.
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http.request import split_domain_port
from django.utils.deprecation import MiddlewareMixin


def is_loopback(domain: str) -> bool:
    if domain == "localhost":
        return True
    try:
        return ipaddress.ip_address(domain.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:
        return False


def served_in_clear_on_loopback(request) -> bool:
    """Plain HTTP on purpose (no redirect to HTTPS), addressed to a loopback host."""
    if settings.SECURE_SSL_REDIRECT or request.is_secure():
        return False
    try:
        host = request.get_host()
    except DisallowedHost:  # already answered 400; its cookies, if any, stay as they are
        return False
    domain, _port = split_domain_port(host)
    return is_loopback(domain)


class LoopbackCookiesMiddleware(MiddlewareMixin):
    """First in MIDDLEWARE, so that it sees the cookies every other middleware set."""

    def process_response(self, request, response):
        if response.cookies and served_in_clear_on_loopback(request):
            for cookie in response.cookies.values():
                cookie["secure"] = False
        return response
