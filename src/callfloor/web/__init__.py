"""Server-rendered pages (Jinja2): today the login form and the home page.

Pages authenticate with a session cookie (HttpOnly, SameSite=Lax, Secure unless configured
off for plain-HTTP development) carrying the same signed token as the API's bearer. Texts come
in French and English; the language is the ``lang`` query parameter, then the ``callfloor_lang``
cookie, then the browser's Accept-Language, then French.
"""
