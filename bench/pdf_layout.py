"""How much of each PDF page is left blank: renders every page with pdftoppm (poppler) and
measures the empty band below the last ink in the text area (inside the A4 margins, without
running header and footer), as a share of that area. Pages with a figure are found with pdfimages; a page is a chapter end when
the next page starts a chapter (its text begins with a chapter heading from the contents).

    python bench/pdf_layout.py output/2026/statusrapport.pdf [--json]
"""

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

DPI = 40
MARGIN_MM = (22, 18, 20, 18)  # top, right, bottom, left, as in report.css


def pages_with_images(pdf):
    out = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    return {int(line.split()[0]) for line in out if line.strip()}


def page_texts(pdf):
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")


def blank_shares(pdf):
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", str(pdf), f"{tmp}/p"], check=True)
        shares = []
        for png in sorted(Path(tmp).glob("p-*.pgm"), key=lambda p: int(p.stem.split("-")[1])):
            img = Image.open(png)
            w, h = img.size
            mm = h / 297
            top, right, bottom, left = (int(m * mm) for m in MARGIN_MM)
            box = img.crop((left, top, w - right, h - bottom))
            bw, bh = box.size
            px = box.load()
            inked = [y for y in range(bh) if any(px[x, y] <= 235 for x in range(bw))]
            shares.append((bh - 1 - inked[-1]) / bh if inked else 1.0)
        return shares


def measure(pdf):
    pdf = Path(pdf)
    shares = blank_shares(pdf)
    images = pages_with_images(pdf)
    texts = page_texts(pdf)
    chapter_start = re.compile(r"^\s*\d+\s+\S")
    pages = []
    for n, share in enumerate(shares, start=1):
        nxt = texts[n] if n < len(texts) else ""
        body = [ln for ln in nxt.splitlines() if ln.strip()][1:2]  # line after the running header
        ends = n == len(shares) or bool(body and chapter_start.match(body[0]) and
                                        "Tabell" not in body[0] and "Figur" not in body[0])
        pages.append({"page": n, "blank": round(share, 3), "figure": n in images,
                      "chapter_end": ends})
    over = [p for p in pages if p["figure"] and p["blank"] > 0.40 and not p["chapter_end"]]
    return {"pages": len(pages), "mean_blank": round(sum(shares) / len(shares), 3),
            "figure_pages": sum(p["figure"] for p in pages),
            "figure_pages_over_40": [p["page"] for p in over], "detail": pages}


if __name__ == "__main__":
    result = measure(sys.argv[1])
    if "--json" in sys.argv:
        print(json.dumps(result, indent=1))
    else:
        print(f"pages {result['pages']}, mean blank {result['mean_blank']:.1%}, "
              f"figure pages {result['figure_pages']}, figure pages > 40 % blank (not chapter end): "
              f"{len(result['figure_pages_over_40'])} {result['figure_pages_over_40']}")
