#!/usr/bin/env bash
# The Composer package siteverify/siteverify as an artifact (dist/php/siteverify-<version>.zip):
# the PHP sources plus lib/linux-<arch>/libsiteverify.so and include/, which Library.php finds
# relative to itself. `composer require` from an artifact (or path) repository.
source "$(dirname "$0")/common.sh"
STAGE=$ROOT/target/dist-stage
work=$ROOT/target/dist-php/siteverify
rm -rf "$ROOT/target/dist-php" "$DIST/php"
mkdir -p "$work" "$DIST/php"
(cd "$ROOT" && git ls-files -z bindings-php | grep -zv '^bindings-php/tests/\|^bindings-php/examples/' \
  | grep -zv '^bindings-php/\(Makefile\|scripts/\|phpcs.xml.dist\|phpunit.xml.dist\|.gitignore\)' \
  | xargs -0 tar -cf - --transform 's,^bindings-php/,,') | tar -C "$work" -xf -
cp "$ROOT/LICENSE" "$work/"
mkdir -p "$work/include"
cp "$ROOT/include/siteverify.h" "$ROOT/include/siteverify_php.h" "$work/include/"
declare -A plat=([$GNU_X64]=linux-x86_64 [$GNU_ARM64]=linux-aarch64)
for t in "${!plat[@]}"; do
  [ -f "$STAGE/$t/lib/libsiteverify.so" ] || continue
  mkdir -p "$work/lib/${plat[$t]}"
  cp "$STAGE/$t/lib/libsiteverify.so" "$work/lib/${plat[$t]}/"
done
# An artifact repository reads the version from composer.json; dev-only keys go.
php -r '
  $f = $argv[1]; $c = json_decode(file_get_contents($f), true);
  $c["version"] = $argv[2];
  unset($c["autoload-dev"], $c["require-dev"]);
  file_put_contents($f, json_encode($c, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n");' \
  "$work/composer.json" "$VERSION"
(cd "$work" && zip -q -r -X "$DIST/php/siteverify-$VERSION.zip" .)
