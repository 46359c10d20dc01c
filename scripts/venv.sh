# Sourced by the other scripts: create the virtualenv on first use, (re)install when
# pyproject.toml, setup.py, constraints.txt or the compiled part (indexer/_speedups.c) changed.
#
# PYTHON picks the interpreter (default: python3, into .venv). Another one gets a venv of its
# own per version, e.g. PYTHON=python3.13 ./scripts/check.sh uses .venv-3.13 (CI runs the
# suite on 3.11, 3.12 and 3.13 that way: .ci/run). Every package is installed at the exact
# version in constraints.txt, so a new release of a tool cannot change a check by itself.
if [ -n "${PYTHON:-}" ]; then
  if ! version=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])'); then
    echo "venv.sh: cannot run PYTHON=$PYTHON" >&2
    exit 1
  fi
  VENV=.venv-$version
else
  PYTHON=python3
  VENV=.venv
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
stamp=$VENV/.installed-$(cat pyproject.toml setup.py constraints.txt indexer/_speedups.c \
  | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  pip_install() {
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -c constraints.txt "$@"
  }
  pip_install --upgrade pip
  pip_install -e ".[test]"
  rm -f "$VENV"/.installed-* && touch "$stamp"
fi
export PATH="$PWD/$VENV/bin:$PATH"
