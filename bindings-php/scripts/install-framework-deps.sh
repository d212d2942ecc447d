#!/usr/bin/env bash
# The frameworks the optional integrations (src/Integration) are tested with, from Debian
# (called by install-deps.sh; the plain client needs none of them):
#   Laravel 8 (php-laravel-framework), the Symfony Validator (php-symfony-validator),
#   php-symfony-http-kernel (the 503 exception), PSR-7/PSR-17 (php-psr-http-message,
#   php-psr-http-factory) with two implementations (php-nyholm-psr7, php-guzzlehttp-psr7).
# PSR-15 (psr/http-server-middleware, psr/http-server-handler) has no library package in
# Debian 12: its interfaces come from the PECL `psr` extension packaged as php8.2-psr.
# Installing that package would enable it for every PHP on the machine (it also defines
# PSR-3/6/11/16 interfaces), so its psr.so is unpacked into .tools/ and loaded only by
# the integration test run (make test: php -d extension=.tools/psr.so).
set -euo pipefail
cd "$(dirname "$0")/.."

PSR_EXT_VERSION=1.2.0-5   # Debian 12 (bookworm)

need=()
for pkg in php-laravel-framework php-symfony-validator php-symfony-http-kernel \
    php-psr-http-message php-psr-http-factory php-nyholm-psr7 php-guzzlehttp-psr7; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo); fi
if ((${#need[@]})); then
  echo "install-deps (php integrations): apt-get install ${need[*]}" >&2
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

if [ ! -f .tools/psr.so ] || [ "$(cat .tools/psr.version 2>/dev/null)" != "$PSR_EXT_VERSION" ]; then
  phpv="$(php -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;')"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  chmod 755 "$tmp"
  echo "install-deps (php integrations): php${phpv}-psr=$PSR_EXT_VERSION unpacked into .tools/ (not enabled system-wide)" >&2
  (cd "$tmp" && apt-get download -qq "php${phpv}-psr=$PSR_EXT_VERSION" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
  deb=("$tmp"/php"${phpv}"-psr_*.deb)
  [ -f "${deb[0]}" ] || { echo "install-deps: php${phpv}-psr=$PSR_EXT_VERSION is not in this Debian release's archive" >&2; exit 1; }
  dpkg-deb -x "${deb[0]}" "$tmp/x"
  mkdir -p .tools
  cp "$tmp/x/usr/lib/php/$(basename "$(php -r 'echo PHP_EXTENSION_DIR;')")/psr.so" .tools/psr.so
  echo "$PSR_EXT_VERSION" > .tools/psr.version
fi
php -d extension="$PWD/.tools/psr.so" -r 'exit(interface_exists(Psr\Http\Server\MiddlewareInterface::class) ? 0 : 1);' \
  || { echo "install-deps: .tools/psr.so does not load or define PSR-15" >&2; exit 1; }
echo "install-deps (php integrations): ok, laravel $(dpkg-query -W -f='${Version}' php-laravel-framework), symfony-validator $(dpkg-query -W -f='${Version}' php-symfony-validator), psr ext $PSR_EXT_VERSION" >&2
