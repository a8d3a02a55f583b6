#!/usr/bin/env python3
"""Writes translations into src/Portal/Resources/SharedResource.<lang>.resx.

    resx.py merge es translations.json    add or replace entries from {"English key": "translation"}
    resx.py export es > es.json           the current entries as JSON (to edit and merge back)
    resx.py prune es                      drop entries whose key no longer appears in the source

Entries are kept sorted by key so that two people adding strings rarely touch the same lines.
"""

import json
import os
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

HERE = os.path.dirname(os.path.abspath(__file__))
RESOURCES = os.path.join(HERE, "..", "..", "src", "Portal", "Resources")

HEADER = """<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype">
    <value>text/microsoft-resx</value>
  </resheader>
  <resheader name="version">
    <value>2.0</value>
  </resheader>
  <resheader name="reader">
    <value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value>
  </resheader>
  <resheader name="writer">
    <value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value>
  </resheader>
"""


def path_of(lang):
    return os.path.normpath(os.path.join(RESOURCES, f"SharedResource.{lang}.resx"))


def load(lang):
    path = path_of(lang)
    if not os.path.exists(path):
        return {}
    root = ET.parse(path).getroot()
    return {d.get("name"): (d.findtext("value") or "") for d in root.findall("data")}


def save(lang, entries):
    lines = [HEADER]
    # quoteattr writes a newline in a key as &#10;, which an XML reader keeps (a raw one becomes a space).
    for key in sorted(entries, key=lambda k: (k.casefold(), k)):
        lines.append(f'  <data name={quoteattr(key)} xml:space="preserve">\n'
                     f"    <value>{escape(entries[key])}</value>\n"
                     f"  </data>\n")
    lines.append("</root>\n")
    text = "".join(lines)
    with open(path_of(lang), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("merge", "export", "prune"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    command, lang = sys.argv[1], sys.argv[2]
    entries = load(lang)
    if command == "export":
        json.dump(entries, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
        print()
    elif command == "merge":
        with open(sys.argv[3], encoding="utf-8") as f:
            entries.update(json.load(f))
        save(lang, entries)
        print(f"{len(entries)} entries in {path_of(lang)}", file=sys.stderr)
    else:
        sys.path.insert(0, HERE)
        import extract  # noqa: E402 (same folder)
        files = sorted(extract.source_files())
        keys, _ = extract.scan(files, extract.localizer_names(files))
        for gone in sorted(set(entries) - set(keys)):
            print(f"removed: {gone}", file=sys.stderr)
            del entries[gone]
        save(lang, entries)


if __name__ == "__main__":
    main()
