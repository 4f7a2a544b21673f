#!/usr/bin/env bash
# Starts a p2pchat relay from this folder, creating it on first run.
# Usage: launch/launch_server.sh [data-dir]   (default: ./relay-data next to this repository)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA_DIR="${1:-$PWD/relay-data}"

if [ ! -d node_modules ]; then
  echo "Installing p2pchat (first run only)..."
  npm install
fi
# the project brings its own Node (22 or newer is required); fall back to the system one
NODE="$PWD/node_modules/.bin/node"
[ -x "$NODE" ] || NODE="node"

if [ ! -f "$DATA_DIR/relay.json" ]; then
  echo "No relay in $DATA_DIR yet: let's create one."
  read -r -p "Relay name (what people see): " NAME
  echo "Each admin is a PeerId; a user prints theirs with: p2pchat id"
  read -r -p "First admin's PeerId: " ADMIN
  "$NODE" bin/p2pchat.js relay init --data-dir "$DATA_DIR" --name "$NAME" --admin "$ADMIN"
fi

echo "Starting the relay (Ctrl-C stops it and saves its state)."
echo "Give people one of the addresses below; on a public host use its public IP or DNS name and open TCP 4100 and 4101."
exec "$NODE" bin/p2pchat.js relay start --data-dir "$DATA_DIR"
