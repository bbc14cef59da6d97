#!/usr/bin/env python3
"""Fill English msgstrs of a catalog from a JSON dictionary {vietnamese: english}.

Usage: python tools/fill_catalog.py <catalog.po> <dictionary.json>
Prints the msgids still without English, so a reviewer sees what is missing.
"""

import json
import sys

from babel.messages.pofile import read_po, write_po


def main(po_path: str, dict_path: str) -> int:
    with open(po_path, "rb") as fh:
        catalog = read_po(fh)
    with open(dict_path, encoding="utf-8") as fh:
        english = json.load(fh)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in english:
            message.string = english[key]
            message.flags.discard("fuzzy")
        elif not message.string:
            missing.append(key)
    with open(po_path, "wb") as fh:
        write_po(fh, catalog, width=100)
    for key in missing:
        print("missing:", key)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
