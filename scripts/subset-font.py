#!/usr/bin/env python3
"""Makes assets/fonts/NotoSansSC-PharmaPOS.otf, the font PharmaPOS embeds to print receipts and
documents, from Debian's Noto Sans CJK (package fonts-noto-cjk).

The full collection is 19 MB and holds five languages; a document needs Simplified Chinese only.
We keep face 2 (Noto Sans CJK SC) and the characters a pharmacy prints:

- GB2312 in full (its 6,763 hanzi and 682 symbols: the everyday set of simplified Chinese);
- every character of the demo catalog (assets/catalog/demo-catalog.csv);
- printable ASCII, Latin-1, full-width forms and the symbols receipts use (¥ ￥ × ％ · — … ※ ① ℃ ㎎);
- rare characters of drug names outside GB2312 (苯二氮䓬, 噁唑, 𫫇, 脒, 肟 …).

A character missing here is still printed: pos-receipt falls back to a system CJK font.

Needs fonttools (`pip install fonttools`). Run from the repository root:

    python3 scripts/subset-font.py            # writes assets/fonts/NotoSansSC-PharmaPOS.otf
    python3 scripts/subset-font.py --check    # only reports what the source font lacks
"""

import argparse
import csv
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FACE = 2  # 0 JP, 1 KR, 2 SC, 3 TC, 4 HK (checked below by name)
FAMILY = "Noto Sans CJK SC"
CATALOG = ROOT / "assets" / "catalog" / "demo-catalog.csv"
OUTPUT = ROOT / "assets" / "fonts" / "NotoSansSC-PharmaPOS.otf"
# The licence text as Debian ships it (a "License: SIL-1.1" paragraph of the copyright file).
DEBIAN_COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")

# Characters of drug and chemical names that GB2312 lacks (most are in GBK or later Unicode).
RARE = (
    "䓬噁𫫇脒肟腙胂氘氚钆锝钐镥铼锶铯钯铱镓铟锗钛钒铬锰钴镍钼钨铂钌铑锇"
    "鎓溴碘氟氯砜亚砜巯羟胍脲腈肼酰酯醚醛酮烷烯炔苷萘蒽菲吡啶嘧嘌喹唑噻嗪"
    "哌嗪吗啉吲哚咪呋喃噁唑啉嗯𬭩𬭊𬬻𬭳𬭛𫟼𬬭𫓧𬳽"
    "䏲䓖䓫䓣䓥䓨䓮䓴䓹䓻䓼䓿䔉䔲䕭䗪䗛"
    "癀瘙瘿瘰疬痤疮疱疖"
)

SYMBOLS = (
    "¥￥×÷％‰·•・—–‐…※§№°℃℉±≤≥≠≈∞√✓★☆●○◎◇◆□■△▲▽▼→←↑↓↔"
    "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽"
    "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫⅰⅱⅲⅳⅴⅵⅶⅷⅸⅹ"
    "㎎㎏㎖㎗㎘㎍㎕㎜㎝㎞㎡㏄㏎㏑㏒㏕μ®©™€£¢"
    "“”‘’「」『』【】〔〕〖〗《》〈〉（）｛｝［］、。，；：？！～￣＿"
)


def ranges(*pairs):
    for lo, hi in pairs:
        yield from (chr(c) for c in range(lo, hi + 1))


def gb2312():
    """Every character GB2312 encodes (rows 1–9 symbols, 16–87 hanzi)."""
    out = []
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                out.append(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return out


def catalog_chars():
    with open(CATALOG, encoding="utf-8", newline="") as f:
        return [c for row in csv.reader(f) for cell in row for c in cell]


def wanted():
    chars = set(gb2312())
    chars.update(catalog_chars())
    chars.update(ranges((0x20, 0x7E), (0xA0, 0xFF), (0xFF01, 0xFF5E), (0xFFE0, 0xFFE6)))
    chars.update(ranges((0x3000, 0x303F)))  # CJK punctuation
    chars.update(ranges((0x2500, 0x257F)))  # box drawing: separators on receipts
    chars.update(SYMBOLS)
    chars.update(RARE)
    return sorted(c for c in chars if c.isprintable() or c == "\u3000")


def ofl_text(font):
    """OFL.txt: the font's own copyright and licence notice, then the licence text from Debian."""
    lines = DEBIAN_COPYRIGHT.read_text(encoding="utf-8").splitlines()
    # The standalone licence paragraph (the "Files:" paragraphs name it on a line of their own).
    start = next(
        i + 1
        for i, line in enumerate(lines[:-1])
        if line == "License: SIL-1.1" and lines[i + 1].startswith(" ")
    )
    body = []
    for line in lines[start:]:
        if not line.startswith(" "):
            break
        body.append("" if line == " ." else line[1:])
    name = font["name"]
    head = [
        f"{name.getDebugName(4)}: {name.getDebugName(0)}",
        name.getDebugName(13),
        "",
        "PharmaPOS ships a subset of this font (assets/fonts/NotoSansSC-PharmaPOS.otf, made by",
        "scripts/subset-font.py). The licence text below is copied from Debian's fonts-noto-cjk",
        f"package ({DEBIAN_COPYRIGHT}).",
        "",
    ]
    return "\n".join(head + body).rstrip() + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=SOURCE)
    ap.add_argument("--face", type=int, default=FACE)
    ap.add_argument("--output", type=Path, default=OUTPUT)
    ap.add_argument("--check", action="store_true", help="report missing characters only")
    ap.add_argument("--layout", action="store_true", help="keep OpenType layout features")
    args = ap.parse_args()

    font = TTCollection(str(args.source), lazy=True).fonts[args.face]
    family = font["name"].getDebugName(1)
    if family != FAMILY:
        sys.exit(f"face {args.face} of {args.source} is {family!r}, not {FAMILY!r}")
    cmap = font.getBestCmap()
    chars = wanted()
    missing = [c for c in chars if ord(c) not in cmap]
    kept = [c for c in chars if ord(c) in cmap]
    print(f"{len(kept)} characters kept; {len(missing)} not in {family}: {''.join(missing)}")
    if args.check:
        return

    options = subset.Options()
    options.font_number = args.face
    # Keep the copyright, licence and its URL (name IDs 0, 13, 14) with the usual names.
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.name_languages = [0x409]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = True
    # No OpenType layout features: pos-receipt maps characters to glyphs through the cmap and
    # never shapes, so the alternates GSUB reaches (vertical forms, JP/KR/TC locl forms …) would
    # be dead weight: keeping them makes 13,832 glyphs and 3.5 MB instead of 7,792 and 1.9 MB.
    # Pass --layout to keep them (for a future renderer that shapes text).
    if not args.layout:
        options.layout_features = []
    font = subset.load_font(str(args.source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in kept])
    subsetter.subset(font)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(args.output), options)
    print(f"wrote {args.output} ({args.output.stat().st_size:,} bytes)")
    licence = args.output.parent / "OFL.txt"
    licence.write_text(ofl_text(font), encoding="utf-8")
    print(f"wrote {licence}")


if __name__ == "__main__":
    main()
