"""The shared record as a PDF: WeasyPrint lays out our own print template.

WeasyPrint needs Pango (and HarfBuzz) from the system: Debian's
libpango-1.0-0 and libpangoft2-1.0-0, and a font (fonts-dejavu-core); the
Dockerfile installs them. The template's stylesheet is read from our static
files and handed over as text, and the fetcher refuses every URL, so a
rendering never reaches the network or the disk for anything else.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders

STYLESHEET = "css/record-pdf.css"


def _refuse_every_url(url: str, *args, **kwargs):
    raise ValueError(f"the record's PDF loads nothing from outside: {url[:60]}")


def pdf_from_html(html: str) -> bytes:
    """The PDF of `html` (A4, as the stylesheet's @page sets it)."""
    # Imported here: loading Pango takes a moment, and only this needs it.
    from weasyprint import CSS, HTML

    stylesheet = CSS(string=Path(finders.find(STYLESHEET)).read_text(encoding="utf-8"))
    document = HTML(string=html, url_fetcher=_refuse_every_url)
    return document.write_pdf(stylesheets=[stylesheet])
