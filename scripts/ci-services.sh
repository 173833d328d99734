# PostgreSQL and ClickHouse for the collector's store tests, on loopback ports in temporary folders.
#
# Source it, then:  ci_services_start   (exports TELEMETRY_TEST_POSTGRES_URL and TELEMETRY_TEST_CLICKHOUSE_URL)
#                   ci_services_stop    (stops both and deletes their folders; safe to call twice)
# Needs Debian's postgresql and clickhouse-server packages (.ci/run installs them). initdb and pg_ctl refuse to
# run as root: as root, they run as the `postgres` user. Run it locally the same way:
#   sudo bash -c '. scripts/ci-services.sh && ci_services_start && env | grep TELEMETRY_TEST; ci_services_stop'

CI_SERVICES_DIR=""

ci_services_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# initdb and pg_ctl refuse root: as root, run them as `postgres`; otherwise as the current user.
ci_services_as_pg() {
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}

ci_services_start() {
    CI_SERVICES_DIR=$(mktemp -d /tmp/telemetry-ci-services.XXXXXX)
    chmod 755 "$CI_SERVICES_DIR"

    # PostgreSQL: a fresh cluster owned by `postgres`, trust authentication on 127.0.0.1 only.
    local pg_bin
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    local pg_port
    pg_port=$(ci_services_free_port)
    mkdir -p "$CI_SERVICES_DIR/postgres"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$CI_SERVICES_DIR/postgres"; fi
    ci_services_as_pg "'$pg_bin/initdb' -D '$CI_SERVICES_DIR/postgres/data' -U postgres --auth=trust \
        --no-sync -E UTF8 >'$CI_SERVICES_DIR/postgres/initdb.log' 2>&1" \
        || { cat "$CI_SERVICES_DIR/postgres/initdb.log" >&2; return 1; }
    ci_services_as_pg "'$pg_bin/pg_ctl' -D '$CI_SERVICES_DIR/postgres/data' -w -t 30 \
        -l '$CI_SERVICES_DIR/postgres/server.log' \
        -o \"-c listen_addresses=127.0.0.1 -p $pg_port -k '$CI_SERVICES_DIR/postgres' -c max_connections=50\" \
        start >/dev/null" \
        || { cat "$CI_SERVICES_DIR/postgres/server.log" >&2; return 1; }
    export TELEMETRY_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"
    cat >"$CI_SERVICES_DIR/restart-postgres.sh" <<SH
#!/bin/sh
if [ "\$(id -u)" = 0 ]; then run() { su postgres -s /bin/sh -c "\$1"; }; else run() { sh -c "\$1"; }; fi
run "'$pg_bin/pg_ctl' -D '$CI_SERVICES_DIR/postgres/data' -l '$CI_SERVICES_DIR/postgres/server.log' -m fast -w -t 30 \\
    restart >/dev/null"
SH
    chmod +x "$CI_SERVICES_DIR/restart-postgres.sh"
    export TELEMETRY_TEST_POSTGRES_RESTART="$CI_SERVICES_DIR/restart-postgres.sh"
    echo "ci-services: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"

    # ClickHouse: a config of our own (data, logs, ports) instead of /etc/clickhouse-server's.
    local ch_http ch_tcp ch_dir=$CI_SERVICES_DIR/clickhouse
    ch_http=$(ci_services_free_port)
    ch_tcp=$(ci_services_free_port)
    mkdir -p "$ch_dir/data" "$ch_dir/tmp" "$ch_dir/log"
    cat >"$ch_dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <logger>
        <level>warning</level>
        <log>$ch_dir/log/server.log</log>
        <errorlog>$ch_dir/log/error.log</errorlog>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>$ch_http</http_port>
    <tcp_port>$ch_tcp</tcp_port>
    <path>$ch_dir/data/</path>
    <tmp_path>$ch_dir/tmp/</tmp_path>
    <user_files_path>$ch_dir/data/user_files/</user_files_path>
    <format_schema_path>$ch_dir/data/format_schemas/</format_schema_path>
    <users_config>$ch_dir/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <mark_cache_size>67108864</mark_cache_size>
    <uncompressed_cache_size>67108864</uncompressed_cache_size>
    <max_concurrent_queries>50</max_concurrent_queries>
    <!-- Parts replaced by a merge are deleted after 30 s instead of 8 minutes: the tests insert many small
         batches, and every part is a few dozen files. -->
    <merge_tree><old_parts_lifetime>30</old_parts_lifetime></merge_tree>
</yandex>
XML
    cat >"$ch_dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
        <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
    # start-clickhouse.sh / stop-clickhouse.sh: the restart test runs them too.
    cat >"$ch_dir/start.sh" <<SH
#!/bin/sh
cd '$ch_dir' && clickhouse-server --config-file='$ch_dir/config.xml' >>'$ch_dir/log/stdout.log' 2>&1 &
echo \$! >'$ch_dir/pid'
for i in \$(seq 1 150); do
    python3 -c 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:$ch_http/ping", timeout=1)' 2>/dev/null && exit 0
    sleep 0.2
done
echo "ci-services: ClickHouse did not start in 30 s" >&2
tail -n 30 '$ch_dir/log/stdout.log' '$ch_dir/log/error.log' >&2
exit 1
SH
    cat >"$ch_dir/stop.sh" <<SH
#!/bin/sh
pid=\$(cat '$ch_dir/pid' 2>/dev/null) || exit 0
kill "\$pid" 2>/dev/null || exit 0
for i in \$(seq 1 100); do kill -0 "\$pid" 2>/dev/null || exit 0; sleep 0.2; done
kill -9 "\$pid" 2>/dev/null
exit 0
SH
    printf '#!/bin/sh\n%s/stop.sh && exec %s/start.sh\n' "$ch_dir" "$ch_dir" >"$CI_SERVICES_DIR/restart-clickhouse.sh"
    chmod +x "$ch_dir/start.sh" "$ch_dir/stop.sh" "$CI_SERVICES_DIR/restart-clickhouse.sh"
    "$ch_dir/start.sh" || return 1
    export TELEMETRY_TEST_CLICKHOUSE_URL="clickhouse+http://127.0.0.1:$ch_http/telemetry_test"
    export TELEMETRY_TEST_CLICKHOUSE_RESTART="$CI_SERVICES_DIR/restart-clickhouse.sh"
    echo "ci-services: ClickHouse on 127.0.0.1:$ch_http"
}

ci_services_stop() {
    [ -n "$CI_SERVICES_DIR" ] && [ -d "$CI_SERVICES_DIR" ] || return 0
    local pg_bin
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    if [ -f "$CI_SERVICES_DIR/postgres/data/postmaster.pid" ]; then
        ci_services_as_pg "'$pg_bin/pg_ctl' -D '$CI_SERVICES_DIR/postgres/data' -m fast -w stop >/dev/null" || true
    fi
    if [ -x "$CI_SERVICES_DIR/clickhouse/stop.sh" ]; then
        "$CI_SERVICES_DIR/clickhouse/stop.sh" || true
    fi
    rm -rf "$CI_SERVICES_DIR"
    CI_SERVICES_DIR=""
    unset TELEMETRY_TEST_POSTGRES_URL TELEMETRY_TEST_CLICKHOUSE_URL TELEMETRY_TEST_POSTGRES_RESTART \
        TELEMETRY_TEST_CLICKHOUSE_RESTART
    echo "ci-services: stopped"
}
