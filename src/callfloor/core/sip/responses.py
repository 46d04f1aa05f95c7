"""Building responses to requests (RFC 3261 §8.2.6): the headers a response copies, reasons."""

from callfloor.core.sip.dialog import with_tag
from callfloor.core.sip.message import Request, Response

REASONS = {
    100: "Trying", 180: "Ringing", 181: "Call Is Being Forwarded", 182: "Queued", 183: "Session Progress",
    200: "OK", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
    404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable", 407: "Proxy Authentication Required",
    408: "Request Timeout", 410: "Gone", 413: "Request Entity Too Large", 415: "Unsupported Media Type",
    416: "Unsupported URI Scheme", 420: "Bad Extension", 423: "Interval Too Brief",
    480: "Temporarily Unavailable", 481: "Call/Transaction Does Not Exist", 483: "Too Many Hops",
    484: "Address Incomplete", 486: "Busy Here", 487: "Request Terminated", 488: "Not Acceptable Here",
    500: "Server Internal Error", 501: "Not Implemented", 503: "Service Unavailable",
    505: "Version Not Supported", 513: "Message Too Large", 603: "Decline",
}  # fmt: skip


def make_response(
    request: Request, status: int, reason: str | None = None, *, to_tag: str | None = None
) -> Response:
    """A response with Via, From, To, Call-ID and CSeq copied; ``to_tag`` added to To when given.

    RFC 3261 §8.2.6.2: the To tag is added by the UAS unless the request already had one; a 100
    Trying never carries one (§8.2.6.1).
    """
    response = Response(status=status, reason=reason or REASONS.get(status, "Unknown"))
    for via in request.headers.get_all("Via"):
        response.headers.add("Via", via)
    for name in ("From", "Call-ID", "CSeq"):
        value = request.headers.get(name)
        if value is not None:
            response.headers.add(name, value)
    to = request.headers.get("To")
    if to is not None:
        needs_tag = to_tag is not None and status != 100 and request.to().tag is None
        response.headers.add("To", with_tag(to, to_tag) if needs_tag and to_tag else to)
    return response
