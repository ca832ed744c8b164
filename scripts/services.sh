#!/usr/bin/env bash
# Make sure the local PostgreSQL and Redis the tests use are up; start them with the
# machine's own service commands when they are installed but stopped.
set -uo pipefail

pg_up() { pg_isready -h localhost -p 5432 -q 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! pg_up && command -v pg_ctlcluster >/dev/null 2>&1; then
    for version in $(ls /etc/postgresql 2>/dev/null); do
        pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
    done
    for _ in $(seq 1 20); do pg_up && break; sleep 0.5; done
fi
if ! redis_up && command -v redis-server >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
        --dir /tmp --logfile /tmp/lantern-redis.log >/dev/null 2>&1 || true
    for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
fi
pg_up || echo "lantern: PostgreSQL is not answering on localhost:5432; its tests will fail" >&2
redis_up || echo "lantern: Redis is not answering on localhost:6379; its tests will fail" >&2
exit 0
