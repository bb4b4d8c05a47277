#!/usr/bin/env python3
"""Writes the Debian changelog of a package from CHANGELOG.md (docs/packaging.md).

Usage: debian_changelog.py CHANGELOG.md PACKAGE VERSION MAINTAINER OUTPUT

Each "## <version> - <YYYY-MM-DD>" entry becomes one Debian changelog entry (Debian Policy
§4.4), its bullet items the entry's items, in the same order. The first entry must be VERSION,
so that CHANGELOG.md cannot fall behind the version the packages are built with.
"""
import datetime
import re
import sys
import textwrap

HEADING = re.compile(r"^## (\S+) - (\d{4}-\d{2}-\d{2})\s*$")


def entries(text):
    """[(version, date, [item, ...]), ...] in file order."""
    found = []
    item = None
    for line in text.splitlines():
        heading = HEADING.match(line)
        if heading:
            found.append((heading.group(1), heading.group(2), []))
            item = None
        elif line.startswith("## "):
            raise ValueError(f"a version heading is '## <version> - <YYYY-MM-DD>', not '{line}'")
        elif not found:
            continue
        elif line.startswith("- "):
            item = [line[2:].strip()]
            found[-1][2].append(item)
        elif item is not None and line.startswith("  ") and line.strip():
            item.append(line.strip())
        else:
            item = None
    return [(v, d, [" ".join(i) for i in items]) for v, d, items in found]


def debian_text(package, maintainer, found):
    out = []
    for version, date, items in found:
        when = datetime.datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=datetime.timezone.utc)
        out.append(f"{package} ({version}) unstable; urgency=medium\n\n")
        for item in items or ["Release " + version + "."]:
            lines = textwrap.wrap(item, width=76, initial_indent="  * ", subsequent_indent="    ")
            out.append("\n".join(lines) + "\n")
        out.append(f"\n -- {maintainer}  {when.strftime('%a, %d %b %Y %H:%M:%S %z')}\n\n")
    return "".join(out).rstrip("\n") + "\n"


def main(argv):
    if len(argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    source, package, version, maintainer, output = argv[1:]
    with open(source, encoding="utf-8") as f:
        found = entries(f.read())
    if not found:
        print(f"{source}: no '## <version> - <YYYY-MM-DD>' entry", file=sys.stderr)
        return 1
    if found[0][0] != version:
        print(f"{source}: the latest entry is {found[0][0]}, but the version is {version}"
              " (CMakeLists.txt): add an entry for it", file=sys.stderr)
        return 1
    with open(output, "w", encoding="utf-8") as f:
        f.write(debian_text(package, maintainer, found))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
