#!/usr/bin/env python3
"""Finds the portal's localized strings and the English text that is not localized yet.

The keys of the string table ARE the English text (SharedResource.*.resx), so the source code is the
only list of keys there is. This script reads it:

    extract.py                  sorted unique keys, one per line
    extract.py --json           keys with the places they are used, as JSON
    extract.py --dynamic        localizer calls whose key is not a string literal (cannot be checked)
    extract.py --unlocalized    literal English in customer-facing views and page models
    extract.py --missing es     keys without a translation in SharedResource.es.resx
    extract.py --unused es      translations whose key no longer appears in the source

PORTAL_ROOT=/path/to/checkout scans another checkout (e.g. a colleague's worktree).

A localizer is any variable declared as IStringLocalizer / IStringLocalizer<T> / IHtmlLocalizer /
IViewLocalizer (constructor parameter, @inject, method parameter, field): NAME["key", args...].
Validation texts are keys too: ErrorMessage = "..." and [Display(Name = "...")] (ValidationText.cs).

The admin console (Features/Admin) is used by the operator's staff only and may stay English, so
--unlocalized skips it; its L[...] keys are still extracted and translated like every other.
Tests/Portal.Tests/Localization/TranslationsTests.cs re-implements the key scan in C# for CI.
"""

import argparse
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.abspath(os.environ.get("PORTAL_ROOT") or os.path.join(os.path.dirname(__file__), "..", ".."))
SRC = os.path.join(ROOT, "src", "Portal")
RESOURCES = os.path.join(SRC, "Resources")

LOCALIZER_DECL = re.compile(
    r"\b(?:IStringLocalizer|IHtmlLocalizer|IViewLocalizer)(?:<[^>]*>)?\??\s+(_?[A-Za-z][A-Za-z0-9_]*)\b")
# Always treated as localizers even if declared somewhere the scan cannot see (_ViewImports uses L).
DEFAULT_NAMES = {"L", "l", "_l", "Localizer", "_localizer", "localizer"}

# A C# string literal: regular "..." (with \ escapes), verbatim @"..." ("" escapes), raw """...""".
REGULAR = r'"(?:[^"\\\n]|\\.)*"'
VERBATIM = r'@"(?:[^"]|"")*"'


def source_files():
    for folder, _dirs, files in os.walk(SRC):
        if os.sep + "bin" in folder or os.sep + "obj" in folder:
            continue
        for name in files:
            if name.endswith((".cs", ".cshtml")):
                yield os.path.join(folder, name)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def unescape_regular(body):
    escapes = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}

    def repl(m):
        c = m.group(1)
        if c in escapes:
            return escapes[c]
        if c[0] == "u":
            return chr(int(c[1:], 16))
        return c

    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)", repl, body)


def parse_literal(text, i):
    """Parses a C# string literal starting at text[i]; returns (value, end) or None."""
    if text.startswith('"""', i):
        end = text.find('"""', i + 3)
        return (text[i + 3:end], end + 3) if end >= 0 else None
    m = re.compile(VERBATIM).match(text, i)
    if m:
        return m.group(0)[2:-1].replace('""', '"'), m.end()
    m = re.compile(REGULAR).match(text, i)
    if m:
        return unescape_regular(m.group(0)[1:-1]), m.end()
    return None


def localizer_names(files):
    names = set(DEFAULT_NAMES)
    for path in files:
        names.update(LOCALIZER_DECL.findall(read(path)))
    return names


def line_of(text, index):
    return text.count("\n", 0, index) + 1


def scan(files, names):
    """Returns ({key: [file:line, ...]}, [(file:line, expression)] of non-literal keys)."""
    keys, dynamic = {}, []
    # NAME[ for each localizer; data-annotation texts are looked up in the same table
    # (Infrastructure/ValidationText.cs): ErrorMessage = "...", [Display(Name = "...")].
    call = re.compile(r"(?:(?<![A-Za-z0-9_.])(?:" + "|".join(sorted(map(re.escape, names)))
                      + r")\[|ErrorMessage\s*=(?!=)|Display\s*\(\s*Name\s*=)")
    for path in files:
        text = read(path)
        rel = os.path.relpath(path, ROOT)
        for m in call.finditer(text):
            i = m.end()
            while i < len(text) and text[i] in " \t\r\n":
                i += 1
            where = f"{rel}:{line_of(text, m.start())}"
            if text.startswith("$", i) or text.startswith("@$", i) or text.startswith("$@", i):
                dynamic.append((where, "interpolated string: " + text[i:text.find("]", i) + 1]))
                continue
            literal = parse_literal(text, i)
            if literal is None and m.group(0).endswith("="):
                continue  # ErrorMessage = someVariable: not a key written here
            if literal is None:
                dynamic.append((where, text[i:text.find("]", i)].strip()))
                continue
            value, end = literal
            rest = text[end:end + 20].lstrip()
            if rest.startswith("+") and not m.group(0).endswith("="):
                dynamic.append((where, "concatenated key starting " + json.dumps(value)))
                continue
            keys.setdefault(value, []).append(where)
    return keys, dynamic


# ---------------------------------------------------------------------------------------------
# Unlocalized text in views: a heuristic, meant to point a person at the lines to look at.

CSHARP_LINE = re.compile(
    r"^\s*(?:@?(?:if|else|foreach|for|while|switch|case|default|using|var|return|try|catch|finally|break|continue)\b|[{}]|@\{|@\*|\*@|//)")
HUMAN_ATTRS = re.compile(r'\b(title|aria-label|placeholder|alt|data-confirm|data-label|label|value)="([^"@]*[A-Za-z][^"]*)"')


def strip_balanced(text, i, open_c, close_c):
    """Index after the balanced group that starts at text[i] == open_c."""
    depth = 0
    while i < len(text):
        c = text[i]
        if c == '"':
            lit = parse_literal(text, i)
            if lit:
                i = lit[1]
                continue
        if c == open_c:
            depth += 1
        elif c == close_c:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


RAZOR_KEYWORDS = {"if", "foreach", "for", "while", "switch", "using", "await", "lock"}


def remove_razor_expressions(text):
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "@" and text.startswith("@@", i):
            out.append("@")
            i += 2
            continue
        if c == "@":
            j = i + 1
            if j < len(text) and text[j] in "({":
                end = strip_balanced(text, j, text[j], ")" if text[j] == "(" else "}")
                out.append("\n" * text.count("\n", i, end))
                i = end
                continue
            m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").match(text, j)
            if m:
                j = m.end()
                if m.group(0) in RAZOR_KEYWORDS:
                    # @if (...) {, @foreach (...), @await Expr(...): drop the header, keep the markup.
                    while j < len(text) and text[j] in " \t":
                        j += 1
                    if m.group(0) == "await":
                        m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").match(text, j)
                        j = m.end() if m else j
                    elif j < len(text) and text[j] == "(":
                        j = strip_balanced(text, j, "(", ")")
                        out.append("\n" * text.count("\n", i, j))
                        i = j
                        continue
                while j < len(text):
                    if text[j] in "([":
                        j = strip_balanced(text, j, text[j], ")" if text[j] == "(" else "]")
                    elif text[j] == "." and j + 1 < len(text) and (text[j + 1].isalpha() or text[j + 1] == "_"):
                        m = re.compile(r"\.[A-Za-z_][A-Za-z0-9_]*").match(text, j)
                        j = m.end()
                    elif text[j] == "?" and text.startswith("?.", j):
                        j += 1
                    elif text[j] == "!" and j + 1 < len(text) and text[j + 1] in ".[":
                        j += 1
                    else:
                        break
                out.append("\n" * text.count("\n", i, j))
                i = j
                continue
        out.append(c)
        i += 1
    return "".join(out)


def remove_code_blocks(text):
    """Drops @{ ... }, @functions { ... }, @* ... *@, <script> and <style> from a view."""
    text = re.sub(r"@\*.*?\*@", "", text, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S | re.I)
    out, i = [], 0
    block = re.compile(r"@(?:\{|functions\s*\{|code\s*\{)")
    while True:
        m = block.search(text, i)
        if not m:
            out.append(text[i:])
            break
        out.append(text[i:m.start()])
        out.append("\n" * text.count("\n", m.start(), strip_balanced(text, m.end() - 1, "{", "}")))
        i = strip_balanced(text, m.end() - 1, "{", "}")
    return "".join(out)


def unlocalized_in_view(path):
    original = read(path)
    text = remove_code_blocks(original)
    findings = []
    # Directives at the top (@page, @model, @using, @inject) are not text.
    text = re.sub(r"^\s*@(page|model|using|inject|namespace|addTagHelper|layout|section|inherits)\b.*$", "",
                  text, flags=re.M)
    # Expressions go first: a lambda's => inside one would otherwise end a text node early.
    text = remove_razor_expressions(text)
    for m in re.finditer(r">([^<>]*)<", text):
        segment = m.group(1)
        base_line = line_of(text, m.start(1))
        for k, rest in enumerate(segment.split("\n")):
            raw = original.split("\n")[base_line + k - 1] if base_line + k - 1 < original.count("\n") + 1 else rest
            if CSHARP_LINE.match(rest) or rest.strip().endswith(";") or rest.strip() in ("}", "{", "else"):
                continue
            rest = re.sub(r"&[a-z]+;|&#\d+;|\belse\b", " ", rest)
            if re.search(r"[A-Za-z]{2,}", rest):
                findings.append((base_line + k, raw.strip()))
    for m in HUMAN_ATTRS.finditer(text):
        name, value = m.groups()
        if name == "value" and not re.search(r"type=\"(submit|button)\"", text[max(0, m.start() - 200):m.end() + 200]):
            continue
        findings.append((line_of(text, m.start()), f'{name}="{value}"'))
    return findings


# Literals in page models that look like sentences shown to a person: an assignment or return of
# a string with a space and a capital, outside a localizer call. Reported for review only.
SENTENCE = re.compile(r'(?<![\[\w.])(?:Error|Message|Notice|Status|Title|Success)\s*=\s*("(?:[^"\\\n]|\\.)*[A-Za-z]+ [A-Za-z ]+(?:[^"\\\n]|\\.)*")')
ADD_ERROR = re.compile(r'AddModelError\([^,]+,\s*("(?:[^"\\\n]|\\.)*")')


def unlocalized_in_model(path):
    text = read(path)
    findings = []
    for rx in (SENTENCE, ADD_ERROR):
        for m in rx.finditer(text):
            findings.append((line_of(text, m.start()), m.group(0).strip()))
    return findings


def customer_facing(path):
    rel = os.path.relpath(path, os.path.join(SRC, "Features"))
    return not rel.startswith("..") and not rel.startswith("Admin" + os.sep)


def resx_values(lang):
    path = os.path.join(RESOURCES, f"SharedResource.{lang}.resx")
    if not os.path.exists(path):
        return {}
    root = ET.parse(path).getroot()
    return {d.get("name"): (d.findtext("value") or "") for d in root.findall("data")}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true")
    group.add_argument("--dynamic", action="store_true")
    group.add_argument("--unlocalized", action="store_true")
    group.add_argument("--missing", metavar="LANG")
    group.add_argument("--unused", metavar="LANG")
    args = parser.parse_args()

    files = sorted(source_files())
    names = localizer_names(files)
    keys, dynamic = scan(files, names)

    if args.json:
        json.dump({"localizers": sorted(names), "keys": {k: keys[k] for k in sorted(keys)},
                   "dynamic": [{"at": w, "expression": e} for w, e in dynamic]},
                  sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif args.dynamic:
        for where, expr in dynamic:
            print(f"{where}: {expr}")
    elif args.unlocalized:
        count = 0
        for path in files:
            if not customer_facing(path):
                continue
            rel = os.path.relpath(path, ROOT)
            found = unlocalized_in_view(path) if path.endswith(".cshtml") else unlocalized_in_model(path)
            for line, text in found:
                print(f"{rel}:{line}: {text}")
                count += 1
        print(f"{count} possible unlocalized strings", file=sys.stderr)
    elif args.missing:
        values = resx_values(args.missing)
        missing = [k for k in sorted(keys) if not values.get(k, "").strip()]
        for k in missing:
            print(k)
        print(f"{len(missing)} of {len(keys)} keys missing in {args.missing}", file=sys.stderr)
    elif args.unused:
        values = resx_values(args.unused)
        for k in sorted(set(values) - set(keys)):
            print(k)
    else:
        for k in sorted(keys):
            print(k)
        print(f"{len(keys)} keys", file=sys.stderr)


if __name__ == "__main__":
    main()
