#!/usr/bin/env sh
# mypy over finlocal and the two packages that live beside it. train/ and export/ install as
# finlocal.train and finlocal.export (a setuptools package-dir mapping, see pyproject.toml), which
# mypy cannot follow from the source tree; a tree of symbolic links in build/typecheck/ gives it
# the installed layout while it checks the files in place. Settings: [tool.mypy] in pyproject.toml.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
tree="$root/build/typecheck"
rm -rf "$tree"
mkdir -p "$tree/finlocal"
for entry in "$root"/finlocal/*; do
    ln -s "$entry" "$tree/finlocal/"
done
ln -s "$root/train" "$tree/finlocal/train"
ln -s "$root/export" "$tree/finlocal/export"
cd "$tree"
exec mypy --config-file "$root/pyproject.toml" -p finlocal
