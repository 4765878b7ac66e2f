#!/usr/bin/env bash
# Installs every Debian 12 package Baton needs to build, run and test,
# then configures and builds it in ./build.
#
#   tools/setup.sh            install what is missing, configure, build
#   tools/setup.sh --run [ARGS]  ... then start the app (`baton ARGS`) from the build;
#                             with no ARGS and no account yet, `baton --demo`
#   tools/setup.sh --run --welcome  ... the app on its welcome page even without an account
#   tools/setup.sh --no-build only install what is missing
#
# Idempotent: quiet when nothing is missing and the build is up to date.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BATON_BUILDDIR:-$top/build}

packages=(
  # build
  meson ninja-build pkg-config gcc gettext
  libglib2.0-dev libglib2.0-bin gobject-introspection libgirepository1.0-dev
  libgtk-4-dev libadwaita-1-dev libsecret-1-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstreamer-plugins-bad1.0-dev
  libsoup-3.0-dev libjson-glib-dev libsqlite3-dev libssl-dev
  # run
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-nice gstreamer1.0-pipewire gstreamer1.0-tools glib-networking
  pipewire pipewire-bin pipewire-pulse wireplumber dbus dbus-x11 dconf-gsettings-backend
  # test
  xvfb xauth xdotool x11-utils python3-gi gir1.2-soup-3.0 gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0
  desktop-file-utils appstream libxml2-utils procps gnome-keyring at-spi2-core gir1.2-atspi-2.0
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  [[ $status == ii* ]] || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "Installing: ${missing[*]}"
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q >/dev/null
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

[[ ${1:-} == --no-build ]] && exit 0

if [[ ! -f $builddir/build.ninja ]]; then
  meson setup "$builddir" "$top" >/dev/null
fi
ninja -C "$builddir" >/dev/null

if [[ ${1:-} == --run ]]; then
  shift
  if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
    echo "Baton is built in $builddir, but there is no display to show it on." >&2
    exit 1
  fi
  # meson devenv puts the built programs, library and typelib first on the
  # paths, and the compiled GSettings schema where GLib looks for it.
  # With no account yet and nothing asked for, the demo (on its own Baton opens
  # on the welcome page, where signing in or the demo are one click away).
  if (($# == 0)) && [[ -z ${BATON_TOKEN:-} ]]; then
    account=$(meson devenv -C "$builddir" gsettings get io.github.batonphone.Baton server-uri \
      2>/dev/null || true)
    if [[ $account == "''" || -z $account ]]; then
      echo "No account yet: starting the demo (tools/setup.sh --run --welcome to sign in instead)."
      set -- --demo
    fi
  elif [[ ${1:-} == --welcome ]]; then
    shift
  fi
  exec meson devenv -C "$builddir" baton "$@"
fi
