"""Render the app icon's PNGs from static/icons/icon.svg with Debian's chromium.

Run once after changing the SVG, then commit the PNGs:

    .venv/bin/python scripts/make_icons.py

Writes icon-192.png and icon-512.png (the rounded icon, "any" purpose),
icon-maskable-512.png (full-bleed background: phones cut their own shape, and
the drawing sits inside the safe circle) and apple-touch-icon.png (180 px,
full-bleed: iOS rounds the corners itself).
"""

import re
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def full_bleed(svg: str) -> str:
    """The same drawing on a square background, for masks and iOS."""
    return re.sub(r'\s+rx="[^"]*"', "", svg, count=1)


def main() -> None:
    svg = (ICONS / "icon.svg").read_text(encoding="utf-8")
    outputs = [
        ("icon-192.png", svg, 192),
        ("icon-512.png", svg, 512),
        ("icon-maskable-512.png", full_bleed(svg), 512),
        ("apple-touch-icon.png", full_bleed(svg), 180),
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
        )
        for name, source, size in outputs:
            page = browser.new_page(viewport={"width": size, "height": size})
            sized = source.replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
            page.set_content(
                "<!doctype html><html><head><style>html,body{margin:0;background:transparent}"
                f"svg{{display:block}}</style></head><body>{sized}</body></html>"
            )
            page.screenshot(path=str(ICONS / name), omit_background=True)
            page.close()
            print(f"wrote static/icons/{name} ({size}x{size})")
        browser.close()


if __name__ == "__main__":
    main()
