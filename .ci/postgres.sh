# Sourced by .ci/run (bash, set -euo pipefail): makes a PostgreSQL server available for the tests.
#
# 1. answering on 127.0.0.1:5432? else start an installed cluster (pg_ctlcluster, then `service`),
#    else install Debian's postgresql with apt (apt_install from .ci/run) and start it;
# 2. find a way in: the given QUITTANCE_TEST_PG_URL, trust for postgres@127.0.0.1, else give the
#    postgres role a password through the local socket (`su postgres -c psql`);
# 3. create the `test` database when missing;
# 4. export QUITTANCE_TEST_PG_URL and QUITTANCE_REQUIRE_PG=1 (the suite then fails instead of
#    skipping), or say LOUDLY that the PostgreSQL cases will be skipped.
# Test alone: `bash -c 'set -euo pipefail; apt_install() { :; }; source .ci/postgres.sh; env | grep QUITTANCE'`.

ci_pg_host=127.0.0.1
ci_pg_port=${CI_PG_PORT:-5432}

ci_pg_ready() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -h "$ci_pg_host" -p "$ci_pg_port" -q
  else
    (exec 3<>"/dev/tcp/$ci_pg_host/$ci_pg_port") 2>/dev/null
  fi
}

ci_pg_wait() {
  for _ in $(seq 1 30); do
    ci_pg_ready && return 0
    sleep 1
  done
  return 1
}

ci_pg_installed() {
  command -v pg_ctlcluster >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1
}

ci_pg_start() {
  if command -v pg_lsclusters >/dev/null 2>&1; then
    while read -r version cluster _rest; do
      echo "ci: starting PostgreSQL cluster $version/$cluster"
      pg_ctlcluster "$version" "$cluster" start 2>&1 || true
    done < <(pg_lsclusters -h 2>/dev/null)
  fi
  ci_pg_ready || service postgresql start 2>&1 || true
  ci_pg_wait
}

# Runs SQL as the postgres superuser over the local socket (peer auth), as root or as postgres.
ci_pg_su() {
  if [ "$(id -un)" = postgres ]; then
    psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "$1"
  elif [ "$(id -u)" = 0 ]; then
    su postgres -c "psql -X -q -v ON_ERROR_STOP=1 -d postgres -c \"$1\""
  else
    return 1
  fi
}

ci_pg_can_connect() {
  psql "$1" -X -q -tA -c 'select 1' >/dev/null 2>&1
}

ci_pg_database_url() {
  # $1: a URL on the server; $2: a database name. Swaps the path.
  printf '%s' "$1" | sed -E "s#^(postgres(ql)?://[^/]*)/?[^?]*#\1/$2#"
}

ci_pg_setup() {
  if ! ci_pg_ready; then
    if ! ci_pg_installed; then apt_install postgresql postgresql-client; fi
    if ci_pg_installed; then ci_pg_start || true; fi
  fi
  if ! ci_pg_ready; then
    echo "ci: no PostgreSQL at $ci_pg_host:$ci_pg_port" >&2
    return 1
  fi
  if ! command -v psql >/dev/null 2>&1; then apt_install postgresql-client; fi
  if ! command -v psql >/dev/null 2>&1; then
    # Without a client we cannot check; the test helper will say whether it can connect.
    QUITTANCE_TEST_PG_URL=${QUITTANCE_TEST_PG_URL:-postgres://postgres@$ci_pg_host:$ci_pg_port/test}
    return 0
  fi
  local url=${QUITTANCE_TEST_PG_URL:-postgres://postgres@$ci_pg_host:$ci_pg_port/test}
  local server
  server=$(ci_pg_database_url "$url" postgres)
  if ! ci_pg_can_connect "$server"; then
    # No trust for 127.0.0.1 (Debian's default is scram-sha-256): give postgres a password.
    echo "ci: cannot connect as $(printf '%s' "$server" | sed -E 's#://([^:@]*):[^@]*@#://\1:***@#'); setting a password for the postgres role"
    ci_pg_su "alter role postgres with password 'postgres'" || true
    url="postgres://postgres:postgres@$ci_pg_host:$ci_pg_port/test"
    server=$(ci_pg_database_url "$url" postgres)
    ci_pg_can_connect "$server" || {
      echo "ci: still cannot connect to PostgreSQL" >&2
      return 1
    }
  fi
  local name
  name=$(printf '%s' "$url" | sed -E 's#^postgres(ql)?://[^/]*/([^?]*).*#\2#')
  if [ -z "$(psql "$server" -X -q -tA -c "select 1 from pg_database where datname = '$name'")" ]; then
    echo "ci: creating database $name"
    psql "$server" -X -q -c "create database \"$name\""
  fi
  QUITTANCE_TEST_PG_URL=$url
}

if ci_pg_setup; then
  export QUITTANCE_TEST_PG_URL QUITTANCE_REQUIRE_PG=1
  echo "ci: PostgreSQL ready for the tests ($(psql "$QUITTANCE_TEST_PG_URL" -X -tA -c 'show server_version' 2>/dev/null || echo 'version unknown'))"
else
  unset QUITTANCE_REQUIRE_PG
  echo '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' >&2
  echo '!!! ci: NO POSTGRESQL SERVER COULD BE HAD: the PostgreSQL test cases WILL BE SKIPPED' >&2
  echo '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' >&2
fi
