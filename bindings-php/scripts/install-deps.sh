#!/usr/bin/env bash
# Installs, from Debian, what the PHP binding needs and is missing:
# php-cli (FFI and pcntl built in), php-opcache (the preload path), phpunit,
# php-mbstring/php-xml (PHPUnit needs them), composer (the autoloader; the
# package has no dependencies, so it never downloads anything) and
# php-codesniffer (phpcs: the PSR-12 check); php-fpm and libfcgi-bin (cgi-fcgi) for
# the php-fpm test of the form handler (scripts/fpm-test.sh); phpstan (make lint) where
# Debian packages it (Debian 12 does not, and its phar is a download: make lint then says so).
set -euo pipefail

has_ext() { php -r "exit(extension_loaded('$1') ? 0 : 1);" 2>/dev/null; }

need=()
if ! command -v php >/dev/null; then
  need+=(php-cli php-opcache php-mbstring php-xml php-fpm)
else
  has_ext ffi || { echo "install-deps: this php has no FFI extension" >&2; exit 1; }
  has_ext 'Zend OPcache' || need+=(php-opcache)
  has_ext mbstring || need+=(php-mbstring)
  has_ext dom || need+=(php-xml)
  # php-fpm of the same PHP version as php (Debian: /usr/sbin/php-fpm8.2).
  fpm="php-fpm$(php -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;')"
  command -v "$fpm" >/dev/null || [ -x "/usr/sbin/$fpm" ] || need+=(php-fpm)
fi
command -v phpunit >/dev/null || need+=(phpunit)
command -v composer >/dev/null || need+=(composer)
command -v phpcs >/dev/null || need+=(php-codesniffer)
command -v cgi-fcgi >/dev/null || need+=(libfcgi-bin)

if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo); fi
updated=
if ! command -v phpstan >/dev/null; then
  "${SUDO[@]}" apt-get update -qq
  updated=1
  if apt-cache policy phpstan 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    need+=(phpstan)
  else
    echo "install-deps (php): Debian has no phpstan package here: make lint runs phpcs only" >&2
  fi
fi

if ((${#need[@]})); then
  echo "install-deps (php): apt-get install ${need[*]}" >&2
  [ -n "$updated" ] || "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
php -r 'exit(PHP_VERSION_ID >= 80100 ? 0 : 1);' || { echo "install-deps: PHP 8.1+ needed, found $(php -r 'echo PHP_VERSION;')" >&2; exit 1; }
echo "install-deps (php): ok, PHP $(php -r 'echo PHP_VERSION;'), $(phpunit --version | head -1), $(composer --version 2>/dev/null | head -1)" >&2
