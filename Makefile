# Branch Ledger (支部工作台账): the two commands are `make run` and `make test`.
# Both set up everything they need on a fresh Debian machine: apt packages (as root, only
# when missing), a virtual environment in .venv, and the Python packages pinned in
# requirements.lock.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DATA_DIR ?=
# Qt offscreen needs these; the tests read PDFs with poppler's tools and check the .desktop file.
APT_BASE := python3 python3-venv libgl1 libegl1 libx11-6 libdbus-1-3 libfontconfig1 \
	libfreetype6 libglib2.0-0 libxkbcommon0 poppler-utils desktop-file-utils
# `make dist` builds in a Debian 11 root: debootstrap, and dpkg-source + patch to unpack Debian's sources.
APT_DIST := debootstrap dpkg-dev patch
# A real X screen (xvfb-run, screenshots) also needs these.
APT_X11 := xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
	libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 imagemagick

.PHONY: run test deps apt apt-x11 lint bench screenshots dist dist-host dist-check test-compat clean

define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if ! command -v apt-get >/dev/null; then echo "缺少系统软件包（请自行安装）: $$missing"; \
	  elif [ "$$(id -u)" != 0 ]; then echo "缺少系统软件包，请运行: sudo apt-get install $$missing"; exit 1; \
	  else echo "apt-get install $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  fi; \
	fi
endef

apt:
	$(call apt_install,$(APT_BASE))

apt-x11: apt
	$(call apt_install,$(APT_X11))

$(STAMP): pyproject.toml requirements.lock
	@$(MAKE) --no-print-directory apt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e '.[test]'
	@touch $(STAMP)

deps: $(STAMP)

run: deps
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ] && [ "$$QT_QPA_PLATFORM" != offscreen ]; then \
	  echo "没有图形显示 (DISPLAY 未设置)。在无显示的机器上请用: xvfb-run -a make run"; \
	  echo "No display found (DISPLAY is unset). On a headless machine use: xvfb-run -a make run"; exit 2; fi
	$(PY) -m desktop --demo $(if $(DATA_DIR),--data-dir "$(DATA_DIR)")

lint: deps
	$(VENV)/bin/lint-imports

test: deps lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider

bench: deps
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

clean:
	@if grep -q " $(CURDIR)/build/" /proc/mounts; then \
	  echo "build/ still has mounts from an interrupted make dist: python3 packaging/compat_build.py --unmount"; exit 1; fi
	rm -rf $(VENV) build dist

# ---- packaging (issue 8): see packaging/ and packaging/windows-build.md
BUNDLE := dist/branch-ledger

# The release: the Linux one-folder bundle, the portable .tar.gz and the UOS/Kylin .deb, in dist/.
# Built inside a Debian 11 root with its own Python and PySide6 6.9 so that it runs on glibc 2.28
# (UOS 20) and 2.31 (Kylin V10); see packaging/compat_build.py. Needs root; the first run takes
# ~15 minutes (root, CPython, SQLite; cached in build/compat/), later runs a few.
dist: deps
	$(call apt_install,$(APT_DIST))
	$(PY) packaging/compat_build.py --out dist
	$(PY) packaging/build_linux.py --bundle $(BUNDLE) --out dist
	@du -sh $(BUNDLE)

# A quick bundle from this machine's Python (needs this machine's glibc): for trying the spec.
dist-host: deps
	$(PY) -m pip install -q -c requirements.lock -e '.[dist]'
	rm -rf $(BUNDLE)
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/branch-ledger.spec

# Runs the BUILT program headless (not the source): demo, ledgers, signing, verify, the window;
# fails naming any resource, font, migration or plugin missing from the bundle, or any library
# needing a glibc newer than 2.28. Once here, once inside the Debian 11 root (its glibc and libraries);
# then the .deb is installed with apt on a bare Debian 11 and its program run.
dist-check: deps
	@test -x $(BUNDLE)/branch-ledger || $(MAKE) --no-print-directory dist
	$(PY) packaging/dist_check.py --bundle $(BUNDLE)
	$(PY) packaging/compat_build.py --check
	$(PY) packaging/compat_build.py --install-check

# The whole test suite on the release's own Python 3.11.2, SQLite 3.40 and PySide6 6.9.3, inside the
# Debian 11 root that `make dist` made.
test-compat: deps
	$(PY) packaging/compat_build.py --test

# Screenshots for docs/用户手册.md: the real window under Xvfb on the demo data.
screenshots: deps apt-x11
	xvfb-run -a -s "-screen 0 1440x900x24" $(PY) packaging/screenshots.py docs/images
