#!/usr/bin/env bash
# The Maven artifact org.siteverify:siteverify: one multi-release jar (Java 17+) carrying the
# native libraries as resources org/siteverify/native/<os>-<arch>/, plus -sources and -javadoc
# jars, in dist/java/ and as a Maven repository layout in dist/java/maven-repo/.
source "$(dirname "$0")/common.sh"
STAGE=$ROOT/target/dist-stage
work=$ROOT/target/dist-java
rm -rf "$work" "$DIST/java"
mkdir -p "$work/native" "$DIST/java"
pomv=$(sed -n '0,/<version>/s/^  <version>\(.*\)<\/version>/\1/p' "$ROOT/bindings-java/pom.xml")
[ "$pomv" = "$VERSION" ] || { echo "dist: bindings-java/pom.xml says $pomv, Cargo.toml $VERSION" >&2; exit 1; }
declare -A plat=([$GNU_X64]=linux-x86_64 [$GNU_ARM64]=linux-aarch64)
for t in "${!plat[@]}"; do
  [ -f "$STAGE/$t/lib/libsiteverify.so" ] || continue
  d=$work/native/${plat[$t]}
  mkdir -p "$d"
  cp "$STAGE/$t/lib/libsiteverify.so" "$d/"
  [ -f "$STAGE/$t/lib/libsiteverify_jni.so" ] && cp "$STAGE/$t/lib/libsiteverify_jni.so" "$d/"
done
# Built from a copy: the worktree's bindings-java/target is left alone.
mkdir -p "$work/src"
(cd "$ROOT/bindings-java" && tar --exclude=./target -cf - .) | tar -C "$work/src" -xf -
cp "$ROOT/LICENSE" "$work/LICENSE"   # the profile puts ../LICENSE in META-INF/
read -r JAVA_HOME _ < <("$ROOT/bindings-java/scripts/find-jdk.sh" --version)
export JAVA_HOME MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
cd "$work/src"
mvn -B -ntp -q -Dstyle.color=never -Pdist -Dsv.native.dir="$work/native" package -DskipTests 2>&1 \
  | sed 's/\x1b\[[0-9;]*m//g' | grep -v '^WARNING: .*sun.misc.Unsafe\|^WARNING: Please consider\|^WARNING: sun.misc.Unsafe' >&2 || true
a=target/siteverify-$VERSION
for f in "$a.jar" "$a-sources.jar" "$a-javadoc.jar"; do [ -f "$f" ] || { echo "dist: $f not built" >&2; exit 1; }; done
# The LICENSE in the -sources and -javadoc jars too (the main jar has it from the profile).
mkdir -p "$work/license/META-INF" && cp "$ROOT/LICENSE" "$work/license/META-INF/"
for f in "$a-sources.jar" "$a-javadoc.jar"; do "$JAVA_HOME/bin/jar" uf "$f" -C "$work/license" META-INF/LICENSE; done
cp "$a.jar" "$a-sources.jar" "$a-javadoc.jar" "$DIST/java/"
cp pom.xml "$DIST/java/siteverify-$VERSION.pom"
mvn -B -ntp -q -Dstyle.color=never install:install-file -Dfile="$a.jar" -DpomFile=pom.xml \
  -Dsources="$a-sources.jar" -Djavadoc="$a-javadoc.jar" -DlocalRepositoryPath="$DIST/java/maven-repo" 2>&1 \
  | sed 's/\x1b\[[0-9;]*m//g' | grep -v 'sun.misc.Unsafe\|Please consider' >&2 || true
unzip -l "$DIST/java/siteverify-$VERSION.jar" | grep -E 'native/|LICENSE' >&2
for c in sources javadoc; do unzip -l "$DIST/java/siteverify-$VERSION-$c.jar" META-INF/LICENSE >/dev/null \
  || { echo "dist: no LICENSE in the -$c jar" >&2; exit 1; }; done
