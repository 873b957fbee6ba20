#!/usr/bin/env bash
# `make test`: install what the suite needs where missing, start PostgreSQL and Redis where
# none answer, then run ruff and the whole suite. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

# System packages: LDAP headers (python-ldap), slapd, xmlsec1, Chromium, PostgreSQL, Redis
# (redis-server also runs the Sentinels; redis-cli creates the test Cluster),
# HAProxy (the balancer in front of two nodes in tests/multinode).
need=()
for pair in slapd:slapd ldapadd:ldap-utils xmlsec1:xmlsec1 chromium:chromium \
            redis-server:redis-server redis-cli:redis-tools pg_ctlcluster:postgresql \
            node:nodejs npm:npm \
            haproxy:haproxy; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${pair%%:*}" ] || need+=("${pair#*:}")
done
# (the font lets screenshots of Chinese pages show characters rather than boxes)
for header in /usr/include/ldap.h:libldap2-dev /usr/include/sasl/sasl.h:libsasl2-dev \
              /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc:fonts-wqy-zenhei; do
  [ -e "${header%%:*}" ] || need+=("${header#*:}")
done
command -v cc >/dev/null 2>&1 || need+=(build-essential)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing system packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# Python: the project with every extra, in .venv.
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e ".[all]"

# Node relying-party library for the interoperability tests (when they exist).
if [ -f tests/interop/package.json ]; then
  (cd tests/interop && npm install --no-audit --no-fund --silent)
fi
# node oidc-provider: bench/ runs it beside Yiwang, tests/federation_upstream as an upstream IdP.
(cd bench/node && npm install --no-audit --no-fund --silent)

scripts/services.sh

.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
