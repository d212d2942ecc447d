#!/usr/bin/env bash
# A consumer of org.siteverify:siteverify that has nothing but the Maven artifact: the jar is
# installed into a temporary Maven repository, then src/it/consumer is compiled with javac
# --release 17 against the jar found there and run with each JDK given, against the mock.
# Also checks the native-access story the README tells: no warning on 17-21; on 22+ none with
# --enable-native-access=ALL-UNNAMED or an executable jar's Enable-Native-Access manifest
# attribute, and the JDK's warning without either.
#
# usage: consumer-test.sh JDK_HOME...   (env: MVN, JAVA_HOME for Maven, SITEVERIFY_LIB_DIR,
#        SITEVERIFY_MOCK_BIN; run from bindings-java after the jar was built)
set -euo pipefail
MVN=${MVN:-mvn}
LIB=${SITEVERIFY_LIB_DIR:?}
MOCK=${SITEVERIFY_MOCK_BIN:?}
JAR=target/siteverify-0.1.0.jar
[ -f "$JAR" ] || { echo "consumer-test: $JAR missing (mvn package first)" >&2; exit 1; }

work=$(mktemp -d)
mock_pid=""
cleanup() { [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# The artifact, as a Maven repository serves it.
"$MVN" -B -ntp -q -Dstyle.color=never install:install-file -Dfile="$JAR" -DpomFile=pom.xml \
  -DlocalRepositoryPath="$work/repo" 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
dep="$work/repo/org/siteverify/siteverify/0.1.0/siteverify-0.1.0.jar"
[ -f "$dep" ] || { echo "consumer-test: install-file did not produce $dep" >&2; exit 1; }

"$MOCK" --port 0 > "$work/mock.out" 2>/dev/null &
mock_pid=$!
for _ in $(seq 100); do [ -s "$work/mock.out" ] && break; sleep 0.05; done
url=$(head -n1 "$work/mock.out")
[[ $url == http* ]] || { echo "consumer-test: the mock printed no URL" >&2; exit 1; }

pass=0 fail=0
check() { # name, expected path, stdout file, stderr file, warning expected (yes/no)
  local name=$1 path=$2 out=$3 err=$4 warn=$5 ok=1
  grep -q "path=$path accepted=true rejected=true cancelled=true reason=token-invalid" "$out" || ok=0
  if [ "$warn" = no ] && grep -q "WARNING" "$err"; then ok=0; fi
  if [ "$warn" = yes ] && ! grep -q "WARNING: A restricted method" "$err"; then ok=0; fi
  if ((ok)); then
    pass=$((pass + 1)); echo "consumer-test: ok   $name: $(cat "$out")"
  else
    fail=$((fail + 1)); echo "consumer-test: FAIL $name"; sed 's/^/  stdout: /' "$out"; sed 's/^/  stderr: /' "$err"
  fi
}

for home in "$@"; do
  major=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  out="$work/jdk$major"
  mkdir -p "$out/classes"
  "$home/bin/javac" --release 17 -Werror -Xlint:all -cp "$dep" -d "$out/classes" src/it/consumer/example/Consumer.java
  run() { "$home/bin/java" "$@" -Dsiteverify.library.path="$LIB" example.Consumer "$url"; }
  if ((major < 22)); then
    "$home/bin/java" -cp "$out/classes:$dep" -Dsiteverify.library.path="$LIB" example.Consumer "$url" \
      > "$out/1.out" 2> "$out/1.err" || true
    check "Java $major, no flags" jni "$out/1.out" "$out/1.err" no
  else
    "$home/bin/java" --enable-native-access=ALL-UNNAMED -cp "$out/classes:$dep" -Dsiteverify.library.path="$LIB" \
      example.Consumer "$url" > "$out/1.out" 2> "$out/1.err" || true
    check "Java $major, --enable-native-access=ALL-UNNAMED" ffm "$out/1.out" "$out/1.err" no
    # An application's executable jar granting native access in its manifest.
    cp "$dep" "$out/siteverify-0.1.0.jar"
    printf 'Main-Class: example.Consumer\nClass-Path: siteverify-0.1.0.jar\nEnable-Native-Access: ALL-UNNAMED\n' > "$out/manifest"
    "$home/bin/jar" --create --file "$out/app.jar" --manifest "$out/manifest" -C "$out/classes" .
    "$home/bin/java" -Dsiteverify.library.path="$LIB" -jar "$out/app.jar" "$url" > "$out/2.out" 2> "$out/2.err" || true
    check "Java $major, java -jar app with Enable-Native-Access" ffm "$out/2.out" "$out/2.err" no
    # Without consent the JDK warns (once): the README says so.
    "$home/bin/java" -cp "$out/classes:$dep" -Dsiteverify.library.path="$LIB" example.Consumer "$url" \
      > "$out/3.out" 2> "$out/3.err" || true
    check "Java $major, no flags (the JDK's warning expected)" ffm "$out/3.out" "$out/3.err" yes
  fi
done
echo "consumer-test: $pass passed, $fail failed"
((fail == 0))
