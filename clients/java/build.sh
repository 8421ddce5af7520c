#!/usr/bin/env bash
# Builds the Java client (clients/java: the dev.standby.v1 stubs, which
# scripts/gen-clients.sh generates first, and the dev.standby.launcher
# launcher) with Debian's javac against Debian's jars; no Maven, no network.
#
#   clients/java/build.sh             compile into dist/java/{classes,test-classes}
#                                     and package dist/java/standby-launcher.jar
#   clients/java/build.sh classpath   print the runtime classpath (Debian's jars)
#
# A missing jar fails with the Debian package that ships it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/dist/java"
J=/usr/share/java

# jar  Debian package. Runtime: gRPC over Netty, protobuf, and JSch for SSH.
RUNTIME=(
  "grpc-api.jar libgrpc-java"
  "grpc-context.jar libgrpc-java"
  "grpc-core.jar libgrpc-java"
  "grpc-netty.jar libgrpc-java"
  "grpc-protobuf.jar libgrpc-java"
  "grpc-protobuf-lite.jar libgrpc-java"
  "grpc-stub.jar libgrpc-java"
  "protobuf.jar libprotobuf-java"
  "guava.jar libguava-java"
  "perfmark-api.jar libperfmark-java"
  "gson.jar libgoogle-gson-java"
  "netty-buffer.jar libnetty-java"
  "netty-codec.jar libnetty-java"
  "netty-codec-http.jar libnetty-java"
  "netty-codec-http2.jar libnetty-java"
  "netty-codec-socks.jar libnetty-java"
  "netty-common.jar libnetty-java"
  "netty-handler.jar libnetty-java"
  "netty-handler-proxy.jar libnetty-java"
  "netty-resolver.jar libnetty-java"
  "netty-transport.jar libnetty-java"
  "netty-transport-native-unix-common.jar libnetty-java"
  "jsch.jar libjsch-java"
  "jzlib.jar libjzlib-java"
)
# Compile only: grpc_java_plugin 1.41 annotates stubs with
# @javax.annotation.Generated (source retention), which JDK 11+ lacks.
COMPILE_ONLY=(
  "geronimo-annotation-1.3-spec.jar libgeronimo-annotation-1.3-spec-java"
)

classpath_of() {
  local cp="" missing=() entry jar pkg
  for entry in "$@"; do
    jar=${entry% *}
    pkg=${entry#* }
    if [ -f "$J/$jar" ]; then cp="${cp:+$cp:}$J/$jar"; else missing+=("$J/$jar (Debian package $pkg)"); fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "clients/java/build.sh: missing jars:" >&2
    printf '  %s\n' "${missing[@]}" >&2
    echo "install the packages named above (apt-get install -y ...; .ci/run does)" >&2
    return 1
  fi
  printf '%s' "$cp"
}

case "${1:-build}" in
  classpath)
    classpath_of "${RUNTIME[@]}"
    echo
    exit 0 ;;
  build) ;;
  *) echo "usage: clients/java/build.sh [build|classpath]" >&2; exit 2 ;;
esac

for tool in javac jar; do
  if [ ! -x "/usr/bin/$tool" ]; then
    echo "clients/java/build.sh: /usr/bin/$tool is missing (Debian package default-jdk-headless)" >&2
    exit 1
  fi
done

# The dev.standby.v1 stubs are generated, not checked in (a no-op when up to date).
"$root/scripts/gen-clients.sh" java

runtime_cp=$(classpath_of "${RUNTIME[@]}")
compile_cp="$runtime_cp:$(classpath_of "${COMPILE_ONLY[@]}")"

# Test files may build at once (the runner's --jobs): one at a time.
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9

# Nothing changed since the last build: done (tests call this once per file).
stamp="$out/.built"
if [ -f "$stamp" ] && [ -z "$(find "$here/gen" "$here/src" "$here/test" "$0" -newer "$stamp" -print -quit)" ]; then
  exit 0
fi

rm -rf "$out/classes" "$out/test-classes"
mkdir -p "$out/classes" "$out/test-classes"
list=$(mktemp)
trap 'rm -f "$list"' EXIT

javac() { /usr/bin/javac --release 11 -encoding UTF-8 "$@"; }

# The generated stubs as they come; our own code with every warning an error.
find "$here/gen" -name '*.java' | sort > "$list"
javac -nowarn -d "$out/classes" -cp "$compile_cp" @"$list"
find "$here/src" -name '*.java' | sort > "$list"
javac -Xlint:all -Werror -d "$out/classes" -cp "$out/classes:$runtime_cp" @"$list"
find "$here/test" -name '*.java' | sort > "$list"
javac -Xlint:all -Werror -d "$out/test-classes" -cp "$out/classes:$runtime_cp" @"$list"

/usr/bin/jar --create --file "$out/standby-launcher.jar" -C "$out/classes" .
touch "$stamp"
echo "built $out/standby-launcher.jar"
