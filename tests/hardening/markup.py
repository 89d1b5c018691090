"""Reading rendered HTML the way a browser under our CSP would: what would it run or style inline?"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

# What the CSP middleware must send on every response (chaat.middleware.POLICY).
EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}  # data, never executed


def csp_directives(header: str) -> dict[str, str]:
    directives = {}
    for part in filter(None, (p.strip() for p in header.split(";"))):
        name, _, value = part.partition(" ")
        directives[name] = value.strip()
    return directives


class _Scanner(HTMLParser):
    def __init__(self, host: str) -> None:
        super().__init__(convert_charrefs=True)
        self.host = host
        self.problems: list[str] = []
        self._in_inline_script = False
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> inline event handler")
            if name == "style":
                self.problems.append(f"<{tag} style=…> inline style")
            if name in {"src", "href", "action", "formaction", "srcset", "data"} and value:
                url = urlsplit(value.strip())
                if url.scheme.lower() == "javascript":
                    self.problems.append(f"<{tag} {name}={value!r}> javascript: URL")
                elif url.netloc and url.netloc != self.host:
                    self.problems.append(f"<{tag} {name}={value!r}> third-party origin")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script" and not attributes.get("src") and (attributes.get("type") or "") not in DATA_SCRIPT_TYPES:
            self.problems.append("inline <script>")


def inline_code(html: str, host: str = "testserver") -> list[str]:
    """Everything in `html` that the strict CSP would block (or that loads from another origin)."""
    scanner = _Scanner(host)
    scanner.feed(html)
    return scanner.problems


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    scanner = _Scanner("testserver")
    scanner.feed(html)
    return scanner.elements
