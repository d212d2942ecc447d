#!/usr/bin/env bash
# Prints the home of the JDK that builds siteverify-java: one new enough to compile the
# java.lang.foreign classes (22+), or fails naming what it found. Order: $JAVA_HOME if new
# enough, then the newest JDK under /usr/lib/jvm, /usr/java, /opt/java (or the directories in
# $SITEVERIFY_JDK_SEARCH), then `javac` on PATH.
# With --version, prints "HOME MAJOR" instead of just HOME.
# With --release N, prints a JDK of exactly feature release N instead (the test JDKs: 17, 21),
# $JAVA_HOME not preferred; fails quietly (exit 1, nothing printed) when there is none.
set -uo pipefail
NEED=22
EXACT=""
VERSION_FLAG=""
while (($#)); do
  case $1 in
    --version) VERSION_FLAG=--version ;;
    --release) EXACT=${2:?--release needs a number}; shift ;;
    *) echo "usage: find-jdk.sh [--version] [--release N]" >&2; exit 2 ;;
  esac
  shift
done

# The feature number of the JDK at $1, or nothing when it is not a JDK.
major_of() {
  local home=$1 v=""
  [ -x "$home/bin/javac" ] && [ -x "$home/bin/java" ] || return 1
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  fi
  v=${v#1.}        # 1.8 -> 8
  v=${v%%[.+-]*}   # 25.0.3 -> 25
  [[ $v =~ ^[0-9]+$ ]] || return 1
  echo "$v"
}

found=()
best_home="" best_major=0
consider() {
  local home=$1 m
  home=$(cd "$home" 2>/dev/null && pwd -P) || return
  m=$(major_of "$home") || return
  found+=("$home ($m)")
  if [ -n "$EXACT" ]; then
    if ((m == EXACT)) && [ -z "$best_home" ]; then best_home=$home best_major=$m; fi
  elif ((m >= NEED && m > best_major)); then
    best_home=$home best_major=$m
  fi
}

print() {
  if [ "${1:-}" = --version ]; then echo "$best_home $best_major"; else echo "$best_home"; fi
}

# $JAVA_HOME wins whenever it is new enough, even if a newer JDK is installed.
if [ -n "${JAVA_HOME:-}" ] && [ -z "$EXACT" ]; then
  consider "$JAVA_HOME"
  if ((best_major >= NEED)); then print "$VERSION_FLAG"; exit 0; fi
fi
for root in ${SITEVERIFY_JDK_SEARCH:-/usr/lib/jvm /usr/java /opt/java}; do
  for d in "$root"/*; do
    [ -d "$d" ] && consider "$d"
  done
done
if command -v javac >/dev/null 2>&1; then
  consider "$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
fi
if [ -n "$EXACT" ]; then
  if [ -n "$best_home" ]; then print "$VERSION_FLAG"; exit 0; fi
  exit 1
fi
if ((best_major >= NEED)); then print "$VERSION_FLAG"; exit 0; fi

if ((${#found[@]})); then
  # Each JDK once, in the order seen (symlinked names resolve to one home).
  list=$(printf '%s\n' "${found[@]}" | awk '!seen[$0]++' | paste -sd, - | sed 's/,/, /g')
else
  list="no JDK (set JAVA_HOME, or install one such as Temurin $NEED+ under /usr/lib/jvm)"
fi
echo "building siteverify-java needs JDK $NEED or newer (it compiles the java.lang.foreign classes; the jar runs on 17+); found: $list" >&2
exit 1
