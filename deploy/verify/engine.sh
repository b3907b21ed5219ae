#!/bin/sh
# Starts or stops a Docker engine for deploy/verify/verify.sh on a machine without a service manager
# (Debian's docker.io: dockerd, containerd, runc). The engine leaves the host's network settings alone
# (--iptables=false --ip6tables=false, and --ip-forward=false: dockerd would otherwise turn on
# net.ipv4.ip_forward): no NAT from its bridges, hence --network host for builds in the stand-ins and
# in compose.offline.yaml; containers on one bridge and the published ports need neither. Storage:
# overlay2, else vfs.
#   deploy/verify/engine.sh start | stop | status
# "stop" only stops an engine that "start" started (its pid in var/verify/dockerd.pid), then removes
# the docker0 bridge it created.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
state="$root/var/verify"
pidfile="$state/dockerd.pid"
mkdir -p "$state"

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2> /dev/null; }

case "${1:-}" in
start)
    if docker info > /dev/null 2>&1; then
        echo "engine: already answering (not started by this script)"
        exit 0
    fi
    command -v dockerd > /dev/null || { echo "engine: no dockerd (apt-get install docker.io)" >&2; exit 1; }
    for driver in ${STORAGE_DRIVER:-overlay2 vfs}; do
        dockerd --iptables=false --ip6tables=false --ip-forward=false --storage-driver="$driver" \
            > "$state/dockerd.log" 2>&1 &
        echo $! > "$pidfile"
        i=0
        while [ $i -lt 30 ] && running && ! docker info > /dev/null 2>&1; do sleep 1; i=$((i + 1)); done
        if docker info > /dev/null 2>&1; then
            echo "engine: dockerd $(docker version -f '{{.Server.Version}}') started (pid $(cat "$pidfile"), storage $driver, log $state/dockerd.log)"
            exit 0
        fi
        echo "engine: dockerd with $driver did not answer; last lines of its log:" >&2
        tail -5 "$state/dockerd.log" >&2
        running && kill "$(cat "$pidfile")" && sleep 3
        rm -f "$pidfile"
    done
    exit 1
    ;;
stop)
    if ! running; then
        echo "engine: none started by this script"
        rm -f "$pidfile"
        exit 0
    fi
    pid=$(cat "$pidfile")
    kill "$pid"
    i=0
    while [ $i -lt 30 ] && kill -0 "$pid" 2> /dev/null; do sleep 1; i=$((i + 1)); done
    kill -0 "$pid" 2> /dev/null && { echo "engine: dockerd $pid still running" >&2; exit 1; }
    rm -f "$pidfile"
    if ip link show docker0 > /dev/null 2>&1; then ip link del docker0; fi
    echo "engine: stopped (docker0 removed)"
    ;;
status)
    if running; then echo "engine: started by this script, pid $(cat "$pidfile")"; else echo "engine: not started by this script"; fi
    docker info -f 'server {{.ServerVersion}}, storage {{.Driver}}' 2> /dev/null || echo "engine: no answer"
    ;;
*)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
